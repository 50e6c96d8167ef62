"""Assertion and polling helpers shared by the contract tests (no fixtures here)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import httpx

T = TypeVar("T")

ITEM_KEYS = frozenset({"id", "name", "description", "created_at", "processed_at"})

# RFC 3339 section 5.6 date-time: "T" separator, seconds required, offset required.
_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(value: object, what: str = "timestamp") -> datetime:
    """Parse a strict RFC 3339 date-time (with offset) into an aware datetime."""
    assert isinstance(value, str), f"{what} must be an RFC 3339 string, got {value!r}"
    match = _RFC3339.match(value)
    assert match, f"{what} {value!r} is not an RFC 3339 date-time (need T and an offset)"
    date, clock, fraction, offset = match.groups()
    micros = ((fraction or "") + "000000")[:6]
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        parsed = datetime.fromisoformat(f"{date}T{clock}.{micros}{offset}")
    except ValueError as exc:  # e.g. month 13
        raise AssertionError(f"{what} {value!r} is not a valid date-time: {exc}") from exc
    assert parsed.tzinfo is not None
    return parsed


def describe(resp: httpx.Response) -> str:
    """A short description of a response for assertion messages."""
    body = resp.text
    if len(body) > 500:
        body = body[:500] + "…"
    return (
        f"{resp.request.method} {resp.request.url.raw_path.decode()} -> {resp.status_code} {body!r}"
    )


def assert_json(resp: httpx.Response, status: int) -> Any:
    """Assert the status code and a JSON body with a JSON Content-Type; return the body."""
    assert resp.status_code == status, f"expected {status}: {describe(resp)}"
    ctype = resp.headers.get("content-type", "")
    assert ctype.split(";")[0].strip().lower() == "application/json", (
        f"Content-Type must be application/json, got {ctype!r}: {describe(resp)}"
    )
    try:
        return resp.json()
    except ValueError as exc:
        raise AssertionError(f"body is not JSON: {describe(resp)}") from exc


def assert_error(resp: httpx.Response, status: int) -> dict[str, Any]:
    """Assert a contract error response: JSON `{"error": {"message": str, ...}}`."""
    body = assert_json(resp, status)
    assert isinstance(body, dict), f"error body must be an object: {describe(resp)}"
    error = body.get("error")
    assert isinstance(error, dict), f'error body needs an "error" object: {describe(resp)}'
    message = error.get("message")
    assert isinstance(message, str) and message.strip(), (
        f'"error.message" must be a non-empty string: {describe(resp)}'
    )
    return error


def assert_validation_error(resp: httpx.Response, field: str | None = None) -> dict[str, Any]:
    """Assert a 422 body error `{"error": {"message": str, "fields": {name: message}}}`.

    When `field` is given it must be one of the keys of `fields`, its value a
    non-empty string.
    """
    error = assert_error(resp, 422)
    fields = error.get("fields")
    assert isinstance(fields, dict), f'422 needs an "error.fields" object: {describe(resp)}'
    for key, value in fields.items():
        assert isinstance(key, str), f"error.fields keys must be strings: {describe(resp)}"
        assert isinstance(value, str) and value.strip(), (
            f"error.fields[{key!r}] must be a non-empty message string: {describe(resp)}"
        )
    if field is not None:
        assert field in fields, f"error.fields must name {field!r}: {describe(resp)}"
    return error


def assert_item(
    body: object, *, name: str | None = None, description: object = ...
) -> dict[str, Any]:
    """Assert the item shape; optionally the exact name and description."""
    assert isinstance(body, dict), f"an item must be an object, got {body!r}"
    assert set(body) == ITEM_KEYS, (
        f"item keys must be exactly {sorted(ITEM_KEYS)}, got {sorted(body)}"
    )
    assert isinstance(body["id"], str) and body["id"], f"id must be a non-empty string: {body!r}"
    assert isinstance(body["name"], str), f"name must be a string: {body!r}"
    assert body["description"] is None or isinstance(body["description"], str), (
        f"description must be a string or null: {body!r}"
    )
    created = parse_rfc3339(body["created_at"], "created_at")
    if body["processed_at"] is not None:
        processed = parse_rfc3339(body["processed_at"], "processed_at")
        assert processed >= created, f"processed_at is earlier than created_at: {body!r}"
    if name is not None:
        assert body["name"] == name, f"name {body['name']!r} != {name!r}"
    if description is not ...:
        assert body["description"] == description, (
            f"description {body['description']!r} != {description!r}"
        )
    return body


def same_instant(a: object, b: object, tolerance_ms: float = 1.0) -> bool:
    """Two RFC 3339 strings name the same instant (allowing storage precision loss)."""
    delta = parse_rfc3339(a) - parse_rfc3339(b)
    return abs(delta.total_seconds()) * 1000 < tolerance_ms


def assert_same_item(got: dict[str, Any], expected: dict[str, Any]) -> None:
    """The same stored item: id, name, description and created_at agree."""
    for key in ("id", "name", "description"):
        assert got[key] == expected[key], f"{key}: {got[key]!r} != {expected[key]!r}"
    assert same_instant(got["created_at"], expected["created_at"]), (
        f"created_at {got['created_at']!r} != {expected['created_at']!r}"
    )


def cache_header(resp: httpx.Response) -> str:
    value: str | None = resp.headers.get("x-cache")
    assert value is not None, f"GET /items/{{id}} must send X-Cache: {describe(resp)}"
    return value.strip().upper()


def poll(
    check: Callable[[], T | None],
    *,
    timeout: float,
    interval: float = 0.1,
    initial_delay: float = 0.0,
) -> T | None:
    """Call `check` until it returns something other than None or `timeout` passes."""
    if initial_delay:
        time.sleep(initial_delay)
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)
