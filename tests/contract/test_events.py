"""item.created events: the consumer sets processed_at; the event is on the broker."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from .settings import ContractConfig
from .support import assert_item, assert_json, cache_header, describe, parse_rfc3339

CreateItem = Callable[..., dict[str, Any]]
EVENT_TIMEOUT_SECONDS = 15.0
EVENT_KEYS = {"type", "id", "occurred_at"}
# Events queued ahead of the item in each try, until one is conclusive: a fast consumer
# (Go, on a loaded machine) has worked through 3000 before the GET that follows the create.
STALE_REPEATS = (200, 1000, 3000, 10000)


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


def publish_repeats(config: ContractConfig, event: dict[str, Any], count: int) -> None:
    """Publish `count` copies of an event the service already handled, as the broker
    may redeliver it: the consumer, idempotent, has that many events to work through
    before any event published after them."""
    body = json.dumps(event).encode()
    if config.broker == "rabbitmq":
        import pika

        assert config.amqp_url is not None
        connection = pika.BlockingConnection(pika.URLParameters(config.amqp_url))
        try:
            channel = connection.channel()
            for _ in range(count):
                channel.basic_publish(
                    exchange=f"{config.queue_prefix}.events", routing_key="item.created", body=body
                )
        finally:
            connection.close()
    elif config.broker == "kafka":
        from kafka import KafkaProducer

        assert config.kafka_brokers is not None
        producer = KafkaProducer(bootstrap_servers=_brokers(config.kafka_brokers))
        try:
            for _ in range(count):
                producer.send(
                    f"{config.queue_prefix}.item-created", key=event["id"].encode(), value=body
                )
            producer.flush(timeout=10)
        finally:
            producer.close()
    else:
        pytest.skip("neither AMQP_URL nor KAFKA_BROKERS set: cannot queue events ahead")


def unprocessed_in_list(api: httpx.Client, item_id: str) -> bool:
    """The uncached list still shows the item with processed_at null."""
    body = assert_json(api.get("/items", params={"limit": 100}), 200)
    return any(i["id"] == item_id and i["processed_at"] is None for i in body["items"])


@pytest.mark.events
@pytest.mark.dependency
# kafka-python loads its protocol schemas with importlib.resources' legacy API.
@pytest.mark.filterwarnings("ignore:.*is deprecated. Use files:DeprecationWarning")
def test_consumer_drops_stale_cache_entry(
    api: httpx.Client,
    config: ContractConfig,
    create_item: CreateItem,
    redis_client: Any,
    wait_processed: Callable[..., tuple[dict[str, Any] | None, httpx.Response]],
) -> None:
    """A copy cached before the event is consumed must not hide processed_at.

    Repeats of an event already handled are queued ahead (delivery is at least once,
    the consumer idempotent); then an item is created and read at once, while its event
    waits. Either GET did not cache the unprocessed item, or it did and the uncached list
    still shows processed_at null after the key is seen in Redis: the consumer's write,
    and so its delete of the key, come after the stale copy was stored. Either way GET
    must show processed_at soon. (A try where the consumer wrote during that first GET
    proves nothing: the GET may have stored its copy after the consumer's delete.)
    """
    config.require("QUEUE_PREFIX")
    handled = create_item(description="handled")
    assert wait_processed(handled["id"])[0] is not None, "the consumer handles no event"
    event = {"type": "item.created", "id": handled["id"], "occurred_at": handled["created_at"]}
    tries: list[str] = []
    for repeats in STALE_REPEATS:
        publish_repeats(config, event, repeats)
        item = create_item(description="stale copy")
        resp = api.get(f"/items/{item['id']}")
        first = assert_json(resp, 200)
        if first["processed_at"] is not None or cache_header(resp) != "MISS":
            tries.append(f"X-Cache {cache_header(resp)}, processed_at {first['processed_at']}")
            conclusive = False
        elif redis_client.exists(config.cache_key(item["id"])):
            conclusive = unprocessed_in_list(api, item["id"])
            if not conclusive:
                tries.append("cached, processed meanwhile")
        else:
            conclusive = True  # the unprocessed item was not cached
        processed, last = wait_processed(item["id"])
        if not conclusive:
            continue
        assert processed is not None, (
            f"GET read the item before its event was consumed, and {EVENT_TIMEOUT_SECONDS:.0f}"
            " s later GET still shows processed_at null: a cached copy must be dropped "
            f"({config.queue_prefix}:item:<id>) after the consumer's write; "
            f"last GET: {describe(last)} X-Cache={last.headers.get('x-cache')}"
        )
        return
    pytest.fail(
        f"no conclusive try with {', '.join(map(str, STALE_REPEATS))} events queued ahead; "
        f"the tries saw: {'; '.join(tries)}"
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
@pytest.mark.broker("rabbitmq")
def test_rabbitmq_event_published(
    config: ContractConfig, request: pytest.FixtureRequest, create_item: CreateItem
) -> None:
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


def _brokers(listed: str) -> list[str]:
    return [b.strip() for b in listed.split(",") if b.strip()]


def _event_id(body: bytes) -> Any:
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise AssertionError(f"event body is not JSON: {body!r}") from exc
    return event.get("id") if isinstance(event, dict) else None


# --------------------------------------------------------------------- Kafka


@pytest.mark.events
@pytest.mark.dependency
@pytest.mark.broker("kafka")
# kafka-python loads its protocol schemas with importlib.resources' legacy API.
@pytest.mark.filterwarnings("ignore:.*is deprecated. Use files:DeprecationWarning")
def test_kafka_event_published(config: ContractConfig, create_item: CreateItem) -> None:
    config.require("QUEUE_PREFIX")
    from kafka import KafkaConsumer, TopicPartition

    assert config.kafka_brokers is not None
    topic = f"{config.queue_prefix}.item-created"
    consumer = KafkaConsumer(
        bootstrap_servers=_brokers(config.kafka_brokers),
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
