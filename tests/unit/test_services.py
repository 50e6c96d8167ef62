"""`stackwise services`: protocol probes, config rendering, orchestration, CLI (no services)."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackwise.services import ServiceError, ServicesError, ServiceStatus, home, manager, urls
from stackwise.services import apt as apt_module
from stackwise.services import cli as services_cli
from stackwise.services.base import Service, exchange, read_pid, spawn, stop_pid, wait_until
from stackwise.services.kafka import (
    CORRELATION_ID,
    api_versions_request,
    cluster_id,
    java_major,
    server_properties,
    serves_produce,
)
from stackwise.services.mongodb import REQUEST_ID, ferretdb_version, ping_ok, ping_request
from stackwise.services.postgres import accepts_logins, parse_clusters, startup_message
from stackwise.services.rabbitmq import is_connection_start
from stackwise.services.redis import command


def test_urls_name_every_service_on_loopback() -> None:
    assert urls() == {
        "postgres": "postgresql://stackwise:stackwise@127.0.0.1:5432/postgres",
        "redis": "redis://127.0.0.1:6379/0",
        "rabbitmq": "amqp://guest:guest@127.0.0.1:5672/",
        "kafka": "127.0.0.1:9092",
        "mongodb": "mongodb://127.0.0.1:27017/",
    }


def test_home_follows_stackwise_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STACKWISE_HOME", str(tmp_path))
    assert home() == tmp_path
    monkeypatch.delenv("STACKWISE_HOME")
    assert home() == Path.home() / ".cache" / "stackwise"


def test_select_orders_validates_and_adds_requirements() -> None:
    assert manager.select(None, with_requirements=True) == list(manager.NAMES)
    assert manager.select(["mongodb"], with_requirements=True) == ["postgres", "mongodb"]
    assert manager.select(["mongodb"], with_requirements=False) == ["mongodb"]
    with pytest.raises(ServiceError, match="unknown service mysql"):
        manager.select(["mysql"], with_requirements=False)


# PostgreSQL


def test_parse_clusters_reads_pg_lsclusters() -> None:
    output = (
        "15  main      5432 online postgres /var/lib/postgresql/15/main /var/log/x.log\n"
        "16  stackwise 5433 down   postgres /var/lib/postgresql/16/stackwise /var/log/y.log\n"
    )
    clusters = parse_clusters(output)
    assert [(c.version, c.name, c.port, c.online) for c in clusters] == [
        ("15", "main", 5432, True),
        ("16", "stackwise", 5433, False),
    ]
    assert parse_clusters("") == []


def test_postgres_startup_message_and_reply() -> None:
    message = startup_message("stackwise", "postgres")
    length, protocol = struct.unpack("!ii", message[:8])
    assert length == len(message) and protocol == 196608
    assert message[8:].split(b"\0")[:4] == [b"user", b"stackwise", b"database", b"postgres"]
    assert accepts_logins(b"R")
    assert not accepts_logins(b"E")  # e.g. "the database system is starting up"
    assert not accepts_logins(None)


# Redis and RabbitMQ


def test_redis_command_is_resp() -> None:
    assert command("PING") == b"*1\r\n$4\r\nPING\r\n"
    assert command("SET", "k", "vé") == b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\xc3\xa9\r\n"


def test_amqp_connection_start_frame() -> None:
    start = b"\x01\x00\x00\x00\x00\x01\xf4\x00\x0a\x00\x0a"
    assert is_connection_start(start)
    assert not is_connection_start(b"AMQP\x00\x00\x09\x01\x00\x00\x00")  # version mismatch
    assert not is_connection_start(None)


# Kafka


def test_kafka_server_properties_single_node_kraft(tmp_path: Path) -> None:
    lines = server_properties(tmp_path / "data").splitlines()
    settings = dict(line.split("=", 1) for line in lines)
    assert settings["process.roles"] == "broker,controller"
    assert settings["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert settings["advertised.listeners"] == "PLAINTEXT://127.0.0.1:9092"
    assert settings["auto.create.topics.enable"] == "true"
    assert settings["offsets.topic.replication.factor"] == "1"
    assert settings["transaction.state.log.replication.factor"] == "1"
    assert settings["log.dirs"] == str(tmp_path / "data")


def test_kafka_cluster_id_is_22_url_safe_chars() -> None:
    for _ in range(50):
        ident = cluster_id()
        assert len(ident) == 22 and not ident.startswith("-")
        assert set(ident) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_kafka_api_versions_request_layout() -> None:
    request = api_versions_request()
    size, api_key, version, correlation, client_len = struct.unpack_from("!ihhih", request)
    assert size == len(request) - 4
    assert (api_key, version, correlation) == (18, 0, CORRELATION_ID)
    assert request[14 : 14 + client_len] == b"stackwise"


def _api_versions_response(correlation: int, error: int, keys: list[int]) -> bytes:
    entries = b"".join(struct.pack("!hhh", key, 0, 9) for key in keys)
    return struct.pack("!ihi", correlation, error, len(keys)) + entries


def test_kafka_serves_produce_parses_api_versions() -> None:
    assert serves_produce(_api_versions_response(CORRELATION_ID, 0, [0, 1, 3, 18]))
    assert not serves_produce(_api_versions_response(CORRELATION_ID, 0, [1, 3]))
    assert not serves_produce(_api_versions_response(CORRELATION_ID, 35, [0]))
    assert not serves_produce(_api_versions_response(7, 0, [0]))
    assert not serves_produce(_api_versions_response(CORRELATION_ID, 0, [0])[:-2])
    assert not serves_produce(None)


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "25" 2025-09-16', 25),
        ('java version "1.8.0_392"', 8),
        ("no java here", None),
    ],
)
def test_java_major(output: str, major: int | None) -> None:
    assert java_major(output) == major


# MongoDB (FerretDB)


def test_mongodb_ping_request_is_op_msg() -> None:
    request = ping_request()
    length, request_id, response_to, opcode = struct.unpack_from("<iiii", request)
    assert (length, request_id, response_to, opcode) == (len(request), REQUEST_ID, 0, 2013)
    document = request[21:]
    assert struct.unpack_from("<i", document)[0] == len(document)
    assert b"\x10ping\x00" in document and b"$db\x00" in document and document.endswith(b"\x00")


def _op_msg_reply(response_to: int, ok: float) -> bytes:
    element = b"\x01ok\x00" + struct.pack("<d", ok)
    document = struct.pack("<i", 4 + len(element) + 1) + element + b"\x00"
    body = struct.pack("<i", 0) + b"\x00" + document
    return struct.pack("<iiii", 16 + len(body), 99, response_to, 2013) + body


def test_mongodb_ping_ok() -> None:
    assert ping_ok(_op_msg_reply(REQUEST_ID, 1.0))
    assert not ping_ok(_op_msg_reply(REQUEST_ID, 0.0))
    assert not ping_ok(_op_msg_reply(1, 1.0))
    assert not ping_ok(None)


def test_shipped_build_files_pin_versions() -> None:
    data = Path(manager.__file__).parent / "data"
    assert ferretdb_version((data / "ferretdb" / "go.mod").read_text()) == "v1.24.2"
    assert (data / "ferretdb" / "go.sum").read_text().count("FerretDB/FerretDB v1.24.2") >= 1
    assert "<artifactId>kafka_2.13</artifactId>" in (data / "kafka" / "pom.xml").read_text()
    with pytest.raises(ServiceError):
        ferretdb_version("module x\n")


# Processes and probes


@pytest.fixture
def pong_server() -> Iterator[int]:
    """A loopback server answering one Redis PING."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(64)
            conn.sendall(b"+PONG\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.close()


def test_exchange_talks_to_a_server(pong_server: int) -> None:
    assert exchange(pong_server, command("PING"), lambda s: s.recv(7)) == b"+PONG\r\n"


def test_exchange_returns_none_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    assert exchange(free_port, b"x", lambda s: s.recv(1)) is None


def test_spawn_writes_a_pidfile_and_stop_pid_ends_it(tmp_path: Path) -> None:
    pidfile = tmp_path / "sleep.pid"
    pid = spawn(["sleep", "30"], logfile=tmp_path / "sleep.log", pidfile=pidfile)
    assert pid == int(pidfile.read_text())
    # /proc may show the new command line a moment after spawn returns on a busy machine
    assert wait_until(lambda: read_pid(pidfile, "sleep") == pid, timeout=2)
    assert read_pid(pidfile, "not-its-command") is None  # a stale pidfile names a stranger
    assert stop_pid(pidfile, "sleep", timeout=5)
    assert not pidfile.exists()
    assert not stop_pid(pidfile, "sleep", timeout=5)


# Orchestration with fake services


def _fake(
    name: str, *, running: bool = False, fails: bool = False, requires: tuple[str, ...] = ()
) -> type[Service]:
    class Fake(Service):
        alive = running

        def missing_packages(self) -> list[str]:
            return [] if type(self).alive else [f"{name}-server"]

        def probe(self) -> bool:
            return type(self).alive

        def start(self) -> None:
            if fails:
                raise ServiceError("boom")
            type(self).alive = True

        def stop(self) -> bool:
            was, type(self).alive = type(self).alive, False
            return was

    Fake.name, Fake.port, Fake.url, Fake.requires = name, 1000, f"{name}://", requires
    Fake.start_timeout = 1.0
    return Fake


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """Route apt installs into a list and the state dir into tmp_path."""
    calls: list[list[str]] = []
    monkeypatch.setattr(apt_module, "install", calls.append)
    monkeypatch.setenv("STACKWISE_HOME", str(tmp_path))
    return calls


def _use(monkeypatch: pytest.MonkeyPatch, *classes: type[Service]) -> None:
    services = {cls.name: cls for cls in classes}
    monkeypatch.setattr(manager, "SERVICES", services)
    monkeypatch.setattr(manager, "NAMES", tuple(services))


def test_up_starts_what_is_down_and_installs_in_one_call(
    monkeypatch: pytest.MonkeyPatch, installed: list[list[str]]
) -> None:
    _use(monkeypatch, _fake("db", running=True), _fake("cache"), _fake("queue"))
    results = manager.up()
    assert {name: r.state for name, r in results.items()} == {
        "db": "up",
        "cache": "started",
        "queue": "started",
    }
    assert installed == [["cache-server", "queue-server"]]
    again = manager.up()
    assert {r.state for r in again.values()} == {"up"}
    assert installed[-1] == []


def test_up_reports_failures_and_what_needed_them(
    monkeypatch: pytest.MonkeyPatch, installed: list[list[str]]
) -> None:
    _use(monkeypatch, _fake("db", fails=True), _fake("docs", requires=("db",)))
    results = manager.up(check=False)
    assert results["db"].state == "error" and results["db"].detail == "boom"
    assert results["docs"].detail == "needs db, which failed"
    with pytest.raises(ServicesError, match="db: boom") as caught:
        manager.up()
    assert set(caught.value.results) == {"db", "docs"}


def test_down_and_status(monkeypatch: pytest.MonkeyPatch, installed: list[list[str]]) -> None:
    _use(monkeypatch, _fake("db", running=True), _fake("cache"))
    assert {n: r.state for n, r in manager.status().items()} == {"db": "up", "cache": "down"}
    assert {n: r.state for n, r in manager.down().items()} == {"db": "stopped", "cache": "down"}


# CLI


def test_cli_status_json(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = {"redis": ServiceStatus("redis", 6379, "redis://127.0.0.1:6379/0", "up")}
    monkeypatch.setattr(services_cli, "status", lambda names: answer)
    result = CliRunner().invoke(services_cli.app, ["status", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["redis"]["state"] == "up"


def test_cli_up_prints_one_line_per_service_and_fails_on_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = {
        "redis": ServiceStatus("redis", 6379, "redis://127.0.0.1:6379/0", "up"),
        "kafka": ServiceStatus(
            "kafka", 9092, "127.0.0.1:9092", "error", "java not found; install a JDK 17+"
        ),
    }
    monkeypatch.setattr(services_cli, "up", lambda names, check: answer)
    result = CliRunner().invoke(services_cli.app, ["up"])
    assert result.exit_code == 1
    assert "redis://127.0.0.1:6379/0" in result.stdout
    assert "kafka: java not found; install a JDK 17+" in result.stderr


def test_cli_rejects_unknown_names() -> None:
    result = CliRunner().invoke(services_cli.app, ["down", "mysql"])
    assert result.exit_code == 2
    assert "unknown service mysql" in result.stderr
