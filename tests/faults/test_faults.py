"""Faults against real services, one stack per framework.

Each dependency is reached through a proxy that the test takes down and brings
back, so the shared services are never disturbed. Kafka tells its clients its own
address, so a proxy cannot stand in for it: Kafka stacks get a broker of their own,
started only after the service.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from stackwise.matrix import covering_sample
from stackwise.services.base import home, wait_until
from stackwise.services.kafka import Kafka
from stackwise.smoke import Run, free_port, implemented
from stackwise.stack import Stack
from tests.faults.proxy import Proxy


def one_per_framework_and_orm() -> list[Stack]:
    """RabbitMQ stacks that together use every framework and every ORM (Kafka advertises
    its own address, which a proxy in front of it cannot take down)."""
    rabbitmq = [s for s in implemented() if s.queue == "rabbitmq" and not s.socketio]
    return sorted(covering_sample(rabbitmq))


def one_kafka_stack_per_framework() -> list[Stack]:
    chosen: dict[str, Stack] = {}
    for stack in implemented():
        if stack.queue == "kafka" and not stack.socketio:
            chosen.setdefault(stack.framework, stack)
    return sorted(chosen.values())


@dataclass
class Service:
    api: httpx.Client
    database: Proxy
    cache: Proxy
    broker: Proxy


def prepare(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    run = Run(stack, tmp_path_factory.mktemp("faults"), log=print)
    try:
        run.prepare()
        yield run
    finally:
        run.drop_database()
        run.remove()


@pytest.fixture(scope="module", params=one_per_framework_and_orm(), ids=str)
def prepared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Run]:
    yield from prepare(request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=one_kafka_stack_per_framework(), ids=str)
def prepared_kafka(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Run]:
    yield from prepare(request.param, tmp_path_factory)


@pytest.fixture
def spare_kafka(tmp_path: Path) -> Iterator[Kafka]:
    """A second, empty Kafka on free ports, sharing the local service's jars; not started."""
    port, controller = free_port(), free_port()

    class Spare(Kafka):
        pass

    Spare.port, Spare.controller_port, Spare.url = port, controller, f"127.0.0.1:{port}"
    broker = Spare(tmp_path, libs=Kafka(home()).libs)
    broker.prepare()
    yield broker
    broker.stop()


@pytest.fixture
def start(prepared: Run) -> Iterator[Callable[..., Service]]:
    procs: list[subprocess.Popen[bytes]] = []
    proxies: list[Proxy] = []

    def _start(broker_up: bool = True) -> Service:
        env = prepared.env
        broker_key = "AMQP_URL"
        made = {}
        for key in ("DATABASE_URL", "REDIS_URL", broker_key):
            proxy = Proxy(urlsplit(env[key]).port or 0)
            if key != broker_key or broker_up:
                proxy.up()
            proxies.append(proxy)
            made[key] = proxy
        procs.extend(
            prepared.start(
                DATABASE_URL=made["DATABASE_URL"].url_for(env["DATABASE_URL"]),
                REDIS_URL=made["REDIS_URL"].url_for(env["REDIS_URL"]),
                AMQP_URL=made[broker_key].url_for(env[broker_key]),
                DB_POOL_TIMEOUT_SECONDS="2",
            )
        )
        api = httpx.Client(base_url=f"http://127.0.0.1:{env['PORT']}", timeout=10)
        return Service(api, made["DATABASE_URL"], made["REDIS_URL"], made[broker_key])

    yield _start
    Run.kill(procs)
    print(prepared.logs())  # shown on failure
    for proxy in proxies:
        proxy.down()


def eventually(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def create(api: httpx.Client, name: str) -> str:
    resp = api.post("/items", json={"name": name})
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


def processed(api: httpx.Client, item: str) -> bool:
    return eventually(lambda: api.get(f"/items/{item}").json()["processed_at"] is not None, 20)


def cached(api: httpx.Client, name: str) -> str:
    """A new item, processed by the consumer and then read into the cache (only processed
    items are cached, and the consumer drops the key when it processes one)."""
    item = create(api, name)
    assert processed(api, item)
    assert eventually(lambda: api.get(f"/items/{item}").headers["x-cache"] == "HIT", 10)
    return item


def test_redis_stopped_while_serving(start: Callable[..., Service]) -> None:
    svc = start()
    item = cached(svc.api, "cached")

    svc.cache.down()
    began = time.monotonic()
    resp = svc.api.get(f"/items/{item}")
    assert resp.status_code == 200 and resp.headers["x-cache"] == "BYPASS"
    assert time.monotonic() - began < 1.0
    assert svc.api.post("/items", json={"name": "written without cache"}).status_code == 201
    assert svc.api.put(f"/items/{item}", json={"name": "renamed"}).status_code == 200
    ready = svc.api.get("/ready")
    assert ready.status_code == 200 and ready.json()["checks"]["cache"] == "error"

    svc.cache.up()
    assert eventually(lambda: svc.api.get(f"/items/{item}").headers["x-cache"] == "HIT", 15)
    assert svc.api.get(f"/items/{item}").json()["name"] == "renamed"


def test_broker_down_at_startup(start: Callable[..., Service]) -> None:
    svc = start(broker_up=False)
    ready = svc.api.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "queue": "error"}
    early = create(svc.api, "saved while the broker is down")

    svc.broker.up()
    assert eventually(lambda: svc.api.get("/ready").json()["checks"]["queue"] == "ok", 30)
    item = create(svc.api, "after the broker came up")
    assert eventually(lambda: svc.api.get(f"/items/{item}").json()["processed_at"] is not None, 20)
    assert eventually(lambda: svc.api.get(f"/items/{early}").json()["processed_at"] is not None, 30)


def test_events_of_creates_while_the_broker_is_down_are_delivered(
    start: Callable[..., Service],
) -> None:
    """At least once: items saved while the broker is away are processed within 30 s of
    its return, and processed once (processed_at does not move when an event repeats)."""
    svc = start()
    assert processed(svc.api, create(svc.api, "before the broker stops"))

    svc.broker.down()
    items = [create(svc.api, f"while the broker is down {n}") for n in range(3)]
    svc.broker.up()

    def processed_at(item: str) -> str | None:
        value = svc.api.get(f"/items/{item}").json()["processed_at"]
        return str(value) if value is not None else None

    for item in items:
        assert eventually(lambda item=item: processed_at(item) is not None, 30), item
    first = {item: processed_at(item) for item in items}
    time.sleep(6)  # past the next redelivery sweep (every 5 s): a repeat changes nothing
    assert {item: processed_at(item) for item in items} == first


def test_broker_hangs(start: Callable[..., Service]) -> None:
    """A broker that stops answering (no error, no close) holds a create for at most the
    publish timeout (2 s, all frameworks), and events flow again once it answers."""
    svc = start()
    assert processed(svc.api, create(svc.api, "before the broker hangs"))

    svc.broker.hang()
    began = time.monotonic()
    resp = svc.api.post("/items", json={"name": "while the broker hangs"})
    assert resp.status_code == 201, resp.text
    assert time.monotonic() - began < 2 + 1

    svc.broker.resume()
    assert processed(svc.api, create(svc.api, "after the broker answers again"))


def test_kafka_down_at_startup(prepared_kafka: Run, spare_kafka: Kafka) -> None:
    procs = prepared_kafka.start(KAFKA_BROKERS=spare_kafka.url)
    try:
        api = httpx.Client(base_url=f"http://127.0.0.1:{prepared_kafka.env['PORT']}", timeout=10)
        ready = api.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "queue": "error"}
        assert api.post("/items", json={"name": "saved while Kafka is down"}).status_code == 201

        spare_kafka.start()
        assert wait_until(spare_kafka.probe, spare_kafka.start_timeout), spare_kafka.failure()
        assert eventually(lambda: api.get("/ready").json()["checks"]["queue"] == "ok", 30)
        item = create(api, "after Kafka came up")
        # A new broker first creates the topic and the consumer group's offsets topic.
        assert eventually(lambda: api.get(f"/items/{item}").json()["processed_at"] is not None, 60)
    finally:
        Run.kill(procs)
        print(prepared_kafka.logs())  # shown on failure


def test_database_restarted(start: Callable[..., Service]) -> None:
    svc = start()
    item = cached(svc.api, "cached before the outage")

    svc.database.down()
    began = time.monotonic()
    resp = svc.api.post("/items", json={"name": "during the outage"})
    assert resp.status_code == 503, resp.text
    assert resp.json() == {"error": {"message": "database unavailable"}}
    assert time.monotonic() - began < 2 + 1  # DB_POOL_TIMEOUT_SECONDS + 1
    ready = svc.api.get("/ready")
    assert ready.status_code == 503 and ready.json()["checks"]["database"] == "error"
    # A cached read may still be served (it usually is); if the copy was dropped meanwhile
    # (a redelivered event drops the key too), the answer is a fast 503, never a hang.
    began = time.monotonic()
    assert svc.api.get(f"/items/{item}").status_code in {200, 503}
    assert time.monotonic() - began < 2 + 1

    svc.database.up()
    assert eventually(lambda: svc.api.get("/ready").status_code == 200, 15)
    assert svc.api.post("/items", json={"name": "after the outage"}).status_code == 201


def test_proxy_plays_down_and_up() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        proxy = Proxy(server.getsockname()[1])
        proxy.up()
        socket.create_connection(("127.0.0.1", proxy.port), timeout=1).close()
        proxy.down()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", proxy.port), timeout=1)
        proxy.up()
        socket.create_connection(("127.0.0.1", proxy.port), timeout=1).close()
        proxy.down()


def test_proxy_holds_data_while_hung() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        proxy = Proxy(server.getsockname()[1])
        proxy.up()
        try:
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=1) as client:
                accepted, _ = server.accept()
                with accepted:
                    accepted.settimeout(0.3)
                    proxy.hang()
                    client.sendall(b"held")
                    with pytest.raises(TimeoutError):
                        accepted.recv(4)
                    proxy.resume()
                    assert accepted.recv(4) == b"held"
        finally:
            proxy.down()
