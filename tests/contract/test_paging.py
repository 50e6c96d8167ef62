"""GET /items?limit=&offset=: newest first, default limit, echo, validation."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .support import assert_error, assert_item, assert_json, describe, parse_rfc3339

CreateItem = Callable[..., dict[str, Any]]
MAX_PAGES = 20


def list_items(api: httpx.Client, **params: Any) -> dict[str, Any]:
    resp = api.get("/items", params=params)
    body = assert_json(resp, 200)
    assert isinstance(body, dict) and set(body) == {"items", "limit", "offset"}, describe(resp)
    assert isinstance(body["items"], list), describe(resp)
    for item in body["items"]:
        assert_item(item)
    return body


def find_positions(api: httpx.Client, ids: list[str]) -> dict[str, int]:
    """Global list positions of `ids`, paging (100 at a time) until all are found."""
    wanted, found = set(ids), {}
    for page in range(MAX_PAGES):
        items = list_items(api, limit=100, offset=page * 100)["items"]
        for index, item in enumerate(items):
            if item["id"] in wanted:
                found[item["id"]] = page * 100 + index
        if len(found) == len(wanted) or len(items) < 100:
            break
    return found


def test_newest_first(api: httpx.Client, create_item: CreateItem) -> None:
    created = []
    for n in range(3):
        created.append(create_item(description=f"order {n}"))
        time.sleep(0.05)
    ids = [item["id"] for item in created]
    positions = find_positions(api, ids)
    assert set(positions) == set(ids), "items just created are missing from the list"
    assert positions[ids[2]] < positions[ids[1]] < positions[ids[0]], (
        f"list must be newest first; positions oldest→newest: {[positions[i] for i in ids]}"
    )


def test_whole_page_is_ordered_by_created_at(api: httpx.Client, create_item: CreateItem) -> None:
    create_item()
    items = list_items(api, limit=100)["items"]
    stamps = [parse_rfc3339(item["created_at"]) for item in items]
    assert stamps == sorted(stamps, reverse=True), (
        "items are not ordered by created_at, newest first"
    )


def ensure_at_least(api: httpx.Client, create_item: CreateItem, count: int) -> None:
    have = len(list_items(api, limit=100)["items"])
    for _ in range(max(0, count - have)):
        create_item(description="filler")


def test_default_limit_is_20(api: httpx.Client, create_item: CreateItem) -> None:
    ensure_at_least(api, create_item, 21)
    body = list_items(api)
    assert body["limit"] == 20 and body["offset"] == 0, (
        f"defaults must be limit 20, offset 0: {body}"
    )
    assert len(body["items"]) == 20


def test_limit_and_offset_are_echoed_and_applied(
    api: httpx.Client, create_item: CreateItem
) -> None:
    ensure_at_least(api, create_item, 5)
    whole = list_items(api, limit=5, offset=0)
    assert (whole["limit"], whole["offset"], len(whole["items"])) == (5, 0, 5)
    window = list_items(api, limit=2, offset=1)
    assert (window["limit"], window["offset"]) == (2, 1)
    assert [i["id"] for i in window["items"]] == [i["id"] for i in whole["items"][1:3]], (
        "limit=2&offset=1 must be items 2..3 of the newest-first list"
    )


@pytest.mark.parametrize("limit", [1, 100])
def test_limit_bounds_accepted(api: httpx.Client, create_item: CreateItem, limit: int) -> None:
    create_item()
    body = list_items(api, limit=limit)
    assert body["limit"] == limit
    assert 1 <= len(body["items"]) <= limit


OFFSET_MAX = 2_147_483_647


@pytest.mark.parametrize("offset", [10_000_000, OFFSET_MAX])
def test_offset_past_the_end_is_empty(api: httpx.Client, offset: int) -> None:
    body = list_items(api, limit=10, offset=offset)
    assert body == {"items": [], "limit": 10, "offset": offset}


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "limit=10abc",
        "offset=-1",
        "offset=x",
        "offset=2.5",
        f"offset={OFFSET_MAX + 1}",
        "offset=9223372036854775808",
        "offset=9223372036854775809&limit=61",
        "offset=-9223372036854775809",
        "offset=1e3",
        "limit=",
        "offset=",
    ],
)
def test_bad_paging_is_422(api: httpx.Client, query: str) -> None:
    assert_error(api.get(f"/items?{query}"), 422)
