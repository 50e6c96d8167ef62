"""item.created events: the consumer sets processed_at; the event is on the broker."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from .settings import ContractConfig
from .support import assert_item, assert_json, cache_header, describe, parse_rfc3339

CreateItem = Callable[..., dict[str, Any]]
EVENT_TIMEOUT_SECONDS = 15.0
EVENT_KEYS = {"type", "id", "occurred_at"}
STALE_ATTEMPTS = 5
BACKLOG_SIZE = 40


@pytest.mark.events
def test_consumer_sets_processed_at(
    create_item: CreateItem,
    wait_processed: Callable[..., tuple[dict[str, Any] | None, httpx.Response]],
    config: ContractConfig,
) -> None:
    created = create_item(description="process me")
    processed, last = wait_processed(created["id"])
    assert processed is not None, (
        "processed_at still null 15 s after POST (is the consumer running, and does it drop "
        f"the cache key {config.queue_prefix}:item:<id>?); last GET: {describe(last)} "
        f"X-Cache={last.headers.get('x-cache')}"
    )
    assert_item(processed, name=created["name"], description="process me")
    assert parse_rfc3339(processed["processed_at"]) >= parse_rfc3339(processed["created_at"])


@contextmanager
def event_backlog(base_url: str, name: str, size: int = BACKLOG_SIZE) -> Iterator[None]:
    """POST `size` items from background threads, so the consumer has a queue of events
    to work through; yields once about a third of them are in."""
    started = threading.Event()
    done = 0
    lock = threading.Lock()

    def post(n: int) -> None:
        nonlocal done
        with httpx.Client(base_url=base_url, timeout=10.0) as client:
            client.post("/items", json={"name": f"{name}-{n}", "description": "backlog"})
        with lock:
            done += 1
            if done >= size // 3:
                started.set()

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(post, n) for n in range(size)]
        started.wait(timeout=10.0)
        try:
            yield
        finally:
            for future in futures:
                future.result(timeout=15.0)


def unprocessed_in_list(api: httpx.Client, item_id: str) -> bool:
    """The uncached list still shows the item with processed_at null."""
    body = assert_json(api.get("/items", params={"limit": 100}), 200)
    return any(i["id"] == item_id and i["processed_at"] is None for i in body["items"])


@pytest.mark.events
@pytest.mark.dependency
def test_consumer_drops_stale_cache_entry(
    api: httpx.Client,
    config: ContractConfig,
    create_item: CreateItem,
    redis_client: Any,
    unique_name: Callable[[str], str],
    wait_processed: Callable[..., tuple[dict[str, Any] | None, httpx.Response]],
) -> None:
    """A copy cached before the event is consumed must not hide processed_at.

    With a backlog of events ahead of it, an item is created and read at once, so GET
    caches it with processed_at null. The try counts only when, after the key is seen
    in Redis, the uncached list still shows processed_at null: the consumer's write, and
    so its delete of the key, come after the stale copy was stored, and GET must show
    processed_at soon. (A try where the consumer wrote during that first GET proves
    nothing: the GET may have stored its copy after the consumer's delete.)
    """
    for _ in range(STALE_ATTEMPTS):
        with event_backlog(config.base_url, unique_name("backlog")):
            item = create_item(description="stale copy")
            resp = api.get(f"/items/{item['id']}")
            first = assert_json(resp, 200)
            conclusive = (
                first["processed_at"] is None
                and cache_header(resp) == "MISS"
                and bool(redis_client.exists(config.cache_key(item["id"])))
                and unprocessed_in_list(api, item["id"])
            )
        if not conclusive:
            continue
        processed, last = wait_processed(item["id"])
        assert processed is not None, (
            "GET cached the item before its event was consumed, and "
            f"{EVENT_TIMEOUT_SECONDS:.0f} s later GET still shows processed_at null: the "
            f"consumer must delete {config.queue_prefix}:item:<id> after its write; "
            f"last GET: {describe(last)} X-Cache={last.headers.get('x-cache')}"
        )
        return
    pytest.skip(
        f"no conclusive try in {STALE_ATTEMPTS}: the consumer always processed the event "
        "before the stale copy could be observed"
    )


def assert_event(event: Any, item: dict[str, Any]) -> None:
    assert isinstance(event, dict) and set(event) == EVENT_KEYS, (
        f"event must be exactly {sorted(EVENT_KEYS)}: {event!r}"
    )
    assert event["type"] == "item.created", event
    assert event["id"] == item["id"], event
    parse_rfc3339(event["occurred_at"], "occurred_at")


# ------------------------------------------------------------------ RabbitMQ


@pytest.fixture
def rabbit_queue(config: ContractConfig) -> Iterator[tuple[Any, str]]:
    """Our own exclusive auto-delete queue bound to <QUEUE_PREFIX>.events / item.created."""
    import pika
    import pika.exceptions

    assert config.amqp_url is not None and config.queue_prefix is not None
    params = pika.URLParameters(config.amqp_url)
    params.socket_timeout = 5
    params.blocked_connection_timeout = 5
    connection = pika.BlockingConnection(params)
    try:
        channel = connection.channel()
        exchange = f"{config.queue_prefix}.events"
        try:
            channel.exchange_declare(exchange=exchange, passive=True)
        except pika.exceptions.ChannelClosedByBroker as exc:
            pytest.fail(f"exchange {exchange!r} does not exist on the broker: {exc}")
        try:
            # Same arguments as the contract: the broker refuses (406) if the existing
            # exchange is not a durable topic exchange.
            channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
        except pika.exceptions.ChannelClosedByBroker as exc:
            pytest.fail(f"exchange {exchange!r} is not a durable topic exchange: {exc}")
        result = channel.queue_declare(
            queue=f"contract-probe-{uuid.uuid4().hex[:8]}", exclusive=True, auto_delete=True
        )
        queue = result.method.queue
        channel.queue_bind(queue=queue, exchange=exchange, routing_key="item.created")
        yield channel, queue
    finally:
        if connection.is_open:
            connection.close()


@pytest.mark.events
@pytest.mark.dependency
def test_rabbitmq_event_published(
    config: ContractConfig, request: pytest.FixtureRequest, create_item: CreateItem
) -> None:
    if config.broker != "rabbitmq":
        pytest.skip("AMQP_URL not set: the service does not use RabbitMQ")
    config.require("QUEUE_PREFIX")
    channel, queue = request.getfixturevalue("rabbit_queue")
    item = create_item(description="event")

    matches: list[tuple[Any, Any, bytes]] = []
    deadline = time.monotonic() + EVENT_TIMEOUT_SECONDS
    while not matches and time.monotonic() < deadline:
        method, props, body = channel.basic_get(queue=queue, auto_ack=True)
        if method is None:
            time.sleep(0.05)
            continue
        if _event_id(body) == item["id"]:
            matches.append((method, props, body))
    assert matches, f"no item.created event for {item['id']} within {EVENT_TIMEOUT_SECONDS:.0f} s"
    method, _props, body = matches[0]
    assert method.routing_key == "item.created"
    assert method.exchange == f"{config.queue_prefix}.events"
    assert_event(json.loads(body), item)

    # Published once: nothing else for this id shows up shortly after.
    time.sleep(0.3)
    while True:
        method, _props, body = channel.basic_get(queue=queue, auto_ack=True)
        if method is None:
            break
        assert _event_id(body) != item["id"], "the event was published more than once"


def _event_id(body: bytes) -> Any:
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise AssertionError(f"event body is not JSON: {body!r}") from exc
    return event.get("id") if isinstance(event, dict) else None


# --------------------------------------------------------------------- Kafka


@pytest.mark.events
@pytest.mark.dependency
# kafka-python loads its protocol schemas with importlib.resources' legacy API.
@pytest.mark.filterwarnings("ignore:.*is deprecated. Use files:DeprecationWarning")
def test_kafka_event_published(config: ContractConfig, create_item: CreateItem) -> None:
    if config.broker != "kafka":
        pytest.skip("KAFKA_BROKERS not set: the service does not use Kafka")
    config.require("QUEUE_PREFIX")
    from kafka import KafkaConsumer, TopicPartition

    assert config.kafka_brokers is not None
    topic = f"{config.queue_prefix}.item-created"
    consumer = KafkaConsumer(
        bootstrap_servers=[b.strip() for b in config.kafka_brokers.split(",") if b.strip()],
        group_id=f"contract-probe-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    try:
        # Start at the current end of every partition that exists now, so only new
        # messages are read; if the topic does not exist yet, read it from the start.
        partitions = consumer.partitions_for_topic(topic)
        if partitions:
            assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
            consumer.assign(assigned)
            for tp, offset in consumer.end_offsets(assigned).items():
                consumer.seek(tp, offset)
        item = create_item(description="event")
        if not partitions:
            consumer.subscribe([topic])

        found: Any = None
        deadline = time.monotonic() + EVENT_TIMEOUT_SECONDS
        while found is None and time.monotonic() < deadline:
            batches = consumer.poll(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    if record.key is not None and record.key.decode() == item["id"]:
                        found = record
                        break
        assert found is not None, (
            f"no message with key {item['id']!r} on topic {topic!r} within "
            f"{EVENT_TIMEOUT_SECONDS:.0f} s"
        )
        assert_event(json.loads(found.value), item)
    finally:
        consumer.close()
