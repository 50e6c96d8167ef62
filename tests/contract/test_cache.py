"""Cache-aside on GET /items/{id}: X-Cache and the Redis key <QUEUE_PREFIX>:item:<id>."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .settings import ContractConfig
from .support import assert_item, assert_json, assert_same_item, cache_header, describe

CreateItem = Callable[..., dict[str, Any]]


def get_item(api: httpx.Client, item_id: str) -> tuple[dict[str, Any], str]:
    resp = api.get(f"/items/{item_id}")
    return assert_item(assert_json(resp, 200)), cache_header(resp)


SETTLE_SECONDS = 15


def test_first_get_misses_then_hits(api: httpx.Client, create_item: CreateItem) -> None:
    created = create_item(description="cache me")
    first, first_cache = get_item(api, created["id"])
    assert first_cache == "MISS", f"first GET after POST must be MISS, got {first_cache}"
    assert_same_item(first, created)

    # A service may cache the item at once, or only once its event is processed (so the
    # consumer's write cannot leave a stale copy behind): MISS is fine while processed_at
    # is null. Once it is set, one more MISS at most (the consumer's delete), then HIT.
    deadline = time.monotonic() + SETTLE_SECONDS
    previous, misses_after_processed = first, 0
    while True:
        current, cache = get_item(api, created["id"])
        if cache == "HIT":
            assert current == previous, "a HIT must return the copy the last MISS stored"
            return
        assert cache == "MISS", f"X-Cache must be HIT or MISS with Redis up, got {cache}"
        if current["processed_at"] is not None:
            misses_after_processed += 1
            assert misses_after_processed <= 1, (
                "after processed_at is set, only the consumer's one delete may cause a MISS"
            )
        assert time.monotonic() < deadline, f"no HIT within {SETTLE_SECONDS} s"
        previous = current
        time.sleep(0.05)


def test_settled_item_hits_until_put_then_misses(
    api: httpx.Client, settled_item: dict[str, Any], unique_name: Callable[[str], str]
) -> None:
    item_id = settled_item["id"]
    get_item(api, item_id)  # whatever the state, this fills the cache
    _, cache = get_item(api, item_id)
    assert cache == "HIT", f"repeated GET must be a HIT, got {cache}"

    new_name = unique_name("renamed")
    resp = api.put(f"/items/{item_id}", json={"name": new_name, "description": "new"})
    assert_item(assert_json(resp, 200), name=new_name, description="new")

    after, cache = get_item(api, item_id)
    assert cache == "MISS", f"the GET after PUT must be a MISS, got {cache}"
    assert (after["name"], after["description"]) == (new_name, "new"), (
        "GET after PUT shows stale data"
    )
    again, cache = get_item(api, item_id)
    assert cache == "HIT", f"the second GET after PUT must be a HIT, got {cache}"
    assert again == after


def test_get_after_delete_is_not_served_from_cache(
    api: httpx.Client, settled_item: dict[str, Any]
) -> None:
    item_id = settled_item["id"]
    get_item(api, item_id)
    _, cache = get_item(api, item_id)
    assert cache == "HIT"
    assert api.delete(f"/items/{item_id}").status_code == 204
    resp = api.get(f"/items/{item_id}")
    assert resp.status_code == 404, (
        f"a deleted item must not be served from the cache: {describe(resp)}"
    )


# ------------------------------------------------------------ at Redis itself


def assert_key_cached(redis_client: Any, config: ContractConfig, item_id: str) -> int:
    key = config.cache_key(item_id)
    ttl = int(redis_client.ttl(key))
    assert ttl != -2, f"Redis key {key!r} is missing after a GET"
    assert ttl != -1, f"Redis key {key!r} has no TTL"
    assert config.cache_ttl_seconds is not None
    assert 0 < ttl <= config.cache_ttl_seconds, (
        f"TTL of {key!r} is {ttl}, expected 1..CACHE_TTL_SECONDS={config.cache_ttl_seconds}"
    )
    return ttl


def assert_key_gone(redis_client: Any, config: ContractConfig, item_id: str, after: str) -> None:
    key = config.cache_key(item_id)
    assert not redis_client.exists(key), f"Redis key {key!r} still exists after {after}"


@pytest.mark.dependency
def test_redis_key_set_with_ttl_after_get(
    api: httpx.Client, redis_client: Any, config: ContractConfig, settled_item: dict[str, Any]
) -> None:
    config.require("CACHE_TTL_SECONDS")
    get_item(api, settled_item["id"])
    assert_key_cached(redis_client, config, settled_item["id"])


@pytest.mark.dependency
def test_redis_key_dropped_by_put(
    api: httpx.Client, redis_client: Any, config: ContractConfig, settled_item: dict[str, Any]
) -> None:
    config.require("CACHE_TTL_SECONDS")
    item_id = settled_item["id"]
    get_item(api, item_id)
    assert_key_cached(redis_client, config, item_id)
    resp = api.put(
        f"/items/{item_id}", json={"name": settled_item["name"], "description": "changed"}
    )
    assert_json(resp, 200)
    assert_key_gone(redis_client, config, item_id, "PUT")
    after, cache = get_item(api, item_id)
    assert cache == "MISS" and after["description"] == "changed"
    assert_key_cached(redis_client, config, item_id)


@pytest.mark.dependency
def test_redis_key_dropped_by_delete(
    api: httpx.Client, redis_client: Any, config: ContractConfig, settled_item: dict[str, Any]
) -> None:
    config.require("CACHE_TTL_SECONDS")
    item_id = settled_item["id"]
    get_item(api, item_id)
    assert_key_cached(redis_client, config, item_id)
    assert api.delete(f"/items/{item_id}").status_code == 204
    assert_key_gone(redis_client, config, item_id, "DELETE")


@pytest.mark.dependency
def test_hit_is_served_from_redis(
    api: httpx.Client, redis_client: Any, config: ContractConfig, settled_item: dict[str, Any]
) -> None:
    """Removing the key by hand turns the next GET into a MISS that stores it again."""
    item_id = settled_item["id"]
    get_item(api, item_id)
    redis_client.delete(config.cache_key(item_id))
    _, cache = get_item(api, item_id)
    assert cache == "MISS", f"GET with the key removed from Redis must be a MISS, got {cache}"
    assert redis_client.exists(config.cache_key(item_id)), "the MISS did not store the item again"
    _, cache = get_item(api, item_id)
    assert cache == "HIT"


@pytest.mark.dependency
def test_cache_entry_ttl_is_not_extended_by_reads(
    api: httpx.Client, redis_client: Any, config: ContractConfig, settled_item: dict[str, Any]
) -> None:
    """The entry expires CACHE_TTL_SECONDS after it was stored, whatever reads it meanwhile:
    a HIT must not refresh the TTL (Redis then drops the key on time)."""
    item_id = settled_item["id"]
    get_item(api, item_id)
    assert_key_cached(redis_client, config, item_id)
    before = int(redis_client.pttl(config.cache_key(item_id)))
    time.sleep(1.1)
    _, cache = get_item(api, item_id)
    assert cache == "HIT", f"repeated GET must be a HIT, got {cache}"
    after = int(redis_client.pttl(config.cache_key(item_id)))
    assert 0 < after <= before - 1000, (
        f"the TTL went from {before} ms to {after} ms across a HIT: reads must not extend it"
    )
