"""Fixtures for the black-box contract suite (see /work/shared/CONTRACT.md).

All configuration comes from environment variables; see README.md here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from .settings import ContractConfig
from .support import assert_item, assert_json, describe, poll

HTTP_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
PROCESSED_TIMEOUT_SECONDS = 15.0

MARKERS = {
    "broker": "broker(name): for services on that broker only; deselected for the other one",
    "dependency": "checks a side effect at the dependency itself (Redis, broker, database)",
    "events": "needs the event broker and the consumer",
    "pool": "samples the database's connection count under concurrent load",
    "process": "starts the service itself (needs CONTRACT_SERVICE_DIR and CONTRACT_RUN_CMD)",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test for the other broker does not apply to this service: deselected, not skipped."""
    try:
        broker = ContractConfig.from_env().broker
    except pytest.fail.Exception:
        return  # the `config` fixture reports the bad setting in every test
    if broker is None:
        for item in items:
            if item.get_closest_marker("broker"):
                item.add_marker(pytest.mark.skip(reason="neither AMQP_URL nor KAFKA_BROKERS set"))
        return
    keep = [i for i in items if (m := i.get_closest_marker("broker")) is None or broker in m.args]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"contract target: {os.environ.get('CONTRACT_BASE_URL') or '(CONTRACT_BASE_URL not set)'}"
    )


@pytest.fixture(scope="session")
def config() -> ContractConfig:
    return ContractConfig.from_env()


@pytest.fixture(scope="session", autouse=True)
def _require_target(config: ContractConfig) -> None:
    """Every test errors with a clear message when CONTRACT_BASE_URL is unset."""


@pytest.fixture(scope="session")
def api(config: ContractConfig) -> Iterator[httpx.Client]:
    """An HTTP client on the service; waits up to 15 s for GET /health to answer 200."""
    with httpx.Client(
        base_url=config.base_url, timeout=HTTP_TIMEOUT, follow_redirects=False
    ) as client:
        last: str = "no answer"

        def healthy() -> bool | None:
            nonlocal last
            try:
                resp = client.get("/health", timeout=2.0)
            except httpx.HTTPError as exc:
                last = repr(exc)
                return None
            last = describe(resp)
            return True if resp.status_code == 200 else None

        if not poll(healthy, timeout=15.0, interval=0.25):
            pytest.fail(
                f"service at {config.base_url} is not healthy after 15 s: {last}", pytrace=False
            )
        yield client


@pytest.fixture(scope="session")
def run_prefix() -> str:
    """A name prefix unique to this run, so our items are told apart from others."""
    return f"contract-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def unique_name(run_prefix: str, request: pytest.FixtureRequest) -> Callable[[str], str]:
    """unique_name("label") -> "<run prefix>-<test name>-label-<random>"."""
    test = request.node.name.split("[")[0].removeprefix("test_")[:40]

    def make(label: str = "item") -> str:
        return f"{run_prefix}-{test}-{label}-{uuid.uuid4().hex[:6]}"

    return make


_OMIT: Any = object()


@pytest.fixture
def create_item(
    api: httpx.Client, unique_name: Callable[[str], str]
) -> Callable[..., dict[str, Any]]:
    """create_item(name=None, description=<omitted>) -> the 201 item, shape checked."""

    def create(name: str | None = None, description: Any = _OMIT) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name if name is not None else unique_name("item")}
        if description is not _OMIT:
            body["description"] = description
        resp = api.post("/items", json=body)
        item = assert_json(resp, 201)
        return assert_item(
            item,
            name=body["name"],
            description=body.get("description"),
        )

    return create


@pytest.fixture
def wait_processed(
    api: httpx.Client,
) -> Callable[..., tuple[dict[str, Any] | None, httpx.Response]]:
    """wait_processed(id) -> (item with processed_at set, or None on timeout; last GET response).

    Polls GET /items/{id} for up to 15 s: the consumer must drop the cache key
    after it sets processed_at, so the cached read eventually shows it. The first
    GET waits 0.3 s: a GET whose database read precedes the consumer's write but
    whose cache write follows the consumer's delete stores a stale copy for the
    whole TTL (the cache-aside race), and reading right after POST makes that race
    likely with a fast consumer. test_events.py checks the delete without it.
    """

    def wait(
        item_id: str, timeout: float = PROCESSED_TIMEOUT_SECONDS
    ) -> tuple[dict[str, Any] | None, httpx.Response]:
        last: list[httpx.Response] = []

        def processed() -> dict[str, Any] | None:
            resp = api.get(f"/items/{item_id}")
            last[:] = [resp]
            item = assert_json(resp, 200)
            return item if item["processed_at"] is not None else None

        item = poll(processed, timeout=timeout, interval=0.1, initial_delay=0.3)
        return (assert_item(item) if item is not None else None), last[0]

    return wait


@pytest.fixture
def settled_item(
    create_item: Callable[..., dict[str, Any]],
    wait_processed: Callable[..., tuple[dict[str, Any] | None, httpx.Response]],
) -> dict[str, Any]:
    """A new item whose created event has been consumed (so the consumer no longer
    touches its cache key). If that does not happen within 15 s the item is
    returned anyway; tests/contract/test_events.py reports that failure."""
    item = create_item(description="settled")
    processed, _ = wait_processed(item["id"])
    return processed if processed is not None else item


@pytest.fixture(scope="session")
def redis_client(config: ContractConfig) -> Iterator[Any]:
    """A sync redis-py client on REDIS_URL (skips the test when REDIS_URL is unset)."""
    config.require("REDIS_URL", "QUEUE_PREFIX")
    import redis

    assert config.redis_url is not None
    client = redis.Redis.from_url(
        config.redis_url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"cannot reach Redis at REDIS_URL: {exc}", pytrace=False)
    yield client
    client.close()
