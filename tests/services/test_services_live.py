"""`stackwise services up` on this machine: every service answers a real client on its port,
and a second `up` is fast and changes nothing. Installs and starts real services (the first
run builds FerretDB and fetches the Kafka jars: a couple of minutes); run with `-m services`.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from stackwise.services import NAMES, ServiceStatus, home, status, up, urls

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def started() -> dict[str, ServiceStatus]:
    return up()


def test_up_brings_every_service_up(started: dict[str, ServiceStatus]) -> None:
    assert list(started) == list(NAMES)
    assert {r.state for r in started.values()} <= {"up", "started"}
    assert {name: r.state for name, r in status().items()} == dict.fromkeys(NAMES, "up")


def test_second_up_is_fast_and_idempotent(started: dict[str, ServiceStatus]) -> None:
    pids = {name: (home() / name / f"{name}.pid").read_text() for name in ("kafka", "mongodb")}
    began = time.monotonic()
    cli = subprocess.run(
        [sys.executable, "-m", "stackwise.services.cli", "up"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - began
    assert cli.returncode == 0, cli.stderr
    assert elapsed < 2.0, f"second up took {elapsed:.2f} s"
    assert cli.stdout.count(" up") == len(NAMES)
    assert {r.state for r in up().values()} == {"up"}
    assert pids == {name: (home() / name / f"{name}.pid").read_text() for name in pids}


def test_postgres_superuser_can_create_a_database(started: dict[str, ServiceStatus]) -> None:
    psycopg = pytest.importorskip("psycopg")
    name = f"sw_live_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(urls()["postgres"], autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
        conn.execute(f"DROP DATABASE {name}")


def test_redis_roundtrip(started: dict[str, ServiceStatus]) -> None:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(urls()["redis"])
    key = f"sw-live:{uuid.uuid4().hex}"
    client.set(key, "v", ex=60)
    assert client.get(key) == b"v"
    client.delete(key)


def test_rabbitmq_publish_and_get(started: dict[str, ServiceStatus]) -> None:
    pika = pytest.importorskip("pika")
    conn = pika.BlockingConnection(pika.URLParameters(urls()["rabbitmq"]))
    try:
        channel = conn.channel()
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.basic_publish("", queue, b"hello")
        method = None
        deadline = time.monotonic() + 5
        while method is None and time.monotonic() < deadline:
            method, _, body = channel.basic_get(queue, auto_ack=True)
        assert body == b"hello"
    finally:
        conn.close()


def test_kafka_produce_and_consume(started: dict[str, ServiceStatus]) -> None:
    kafka = pytest.importorskip("kafka")
    kafka_topic = f"sw-live-{uuid.uuid4().hex[:8]}"
    producer = kafka.KafkaProducer(bootstrap_servers=urls()["kafka"])
    producer.send(kafka_topic, key=b"id", value=b"hello").get(timeout=30)
    producer.close()
    consumer = kafka.KafkaConsumer(
        kafka_topic,
        bootstrap_servers=urls()["kafka"],
        group_id="sw-live",
        auto_offset_reset="earliest",
        consumer_timeout_ms=30000,
    )
    try:
        assert next(iter(consumer)).value == b"hello"
    finally:
        consumer.close()


def test_mongodb_indexes_and_queries(started: dict[str, ServiceStatus]) -> None:
    pymongo = pytest.importorskip("pymongo")
    client = pymongo.MongoClient(urls()["mongodb"], serverSelectionTimeoutMS=5000)
    database = f"sw_live_{uuid.uuid4().hex[:8]}"
    items = client[database]["items"]
    try:
        assert items.create_index([("created_at", -1)]) == "created_at_-1"
        assert items.create_index([("created_at", -1)]) == "created_at_-1"
        ids = items.insert_many([{"n": i, "created_at": i} for i in range(10)]).inserted_ids
        page = items.find().sort("created_at", -1).skip(2).limit(3)
        assert [doc["n"] for doc in page] == [7, 6, 5]
        assert items.update_one({"_id": ids[0]}, {"$set": {"done": True}}).modified_count == 1
        assert items.delete_one({"_id": ids[1]}).deleted_count == 1
        assert items.count_documents({}) == 9
    finally:
        client.drop_database(database)
        client.close()
