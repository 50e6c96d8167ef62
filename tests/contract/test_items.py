"""POST/GET/PUT/DELETE /items: shapes, validation, not-found, error format."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .support import (
    assert_error,
    assert_item,
    assert_json,
    assert_same_item,
    assert_validation_error,
    describe,
    parse_rfc3339,
    same_instant,
)

CreateItem = Callable[..., dict[str, Any]]
UniqueName = Callable[[str], str]
WaitProcessed = Callable[..., tuple[dict[str, Any] | None, httpx.Response]]

# (id, raw body, field that error.fields must name or None). Raw bodies are sent
# as bytes with Content-Type: application/json.
INVALID_BODIES: list[tuple[str, bytes, str | None]] = [
    ("invalid-json", b'{"name": "x",', None),
    ("not-json-at-all", b"name=x", None),
    ("empty-body", b"", None),
    ("json-array", b'[{"name": "x"}]', None),
    ("json-string", b'"x"', None),
    ("json-number", b"42", None),
    ("json-null", b"null", None),
    ("missing-name", b"{}", "name"),
    ("missing-name-with-description", b'{"description": "d"}', "name"),
    ("empty-name", b'{"name": ""}', "name"),
    ("name-201-chars", b'{"name": "' + b"n" * 201 + b'"}', "name"),
    ("name-201-cjk-chars", ('{"name": "' + "日" * 201 + '"}').encode(), "name"),
    ("name-number", b'{"name": 123}', "name"),
    ("name-null", b'{"name": null}', "name"),
    ("name-bool", b'{"name": true}', "name"),
    ("name-array", b'{"name": ["a"]}', "name"),
    ("name-object", b'{"name": {"a": 1}}', "name"),
    (
        "description-2001-chars",
        b'{"name": "n", "description": "' + b"d" * 2001 + b'"}',
        "description",
    ),
    ("description-number", b'{"name": "n", "description": 5}', "description"),
    ("description-array", b'{"name": "n", "description": ["d"]}', "description"),
    ("unknown-field", b'{"name": "n", "colour": "red"}', "colour"),
    ("unknown-field-id", b'{"name": "n", "id": "abc"}', "id"),
    ("invalid-utf8", b'{"name": "caf\xe9"}', None),
    ("invalid-utf8-description", b'{"name": "n", "description": "\xff\xfe"}', None),
    ("nul-in-name", b'{"name": "a\\u0000b"}', "name"),
    ("nul-in-description", b'{"name": "n", "description": "a\\u0000b"}', "description"),
]

JSON_HEADERS = {"content-type": "application/json"}

# A valid JSON body labelled as something else is 415, whatever the method.
NOT_JSON_TYPES = ["text/plain", "application/x-www-form-urlencoded", "text/json"]


def malformed_ids() -> list[str]:
    return ["not-an-id", "123", str(uuid.uuid4()), uuid.uuid4().hex[:24], "%20"]


# ---------------------------------------------------------------- POST /items


def test_create_minimal_item(api: httpx.Client, unique_name: UniqueName) -> None:
    name = unique_name("minimal")
    resp = api.post("/items", json={"name": name})
    item = assert_item(assert_json(resp, 201), name=name, description=None)
    parse_rfc3339(item["created_at"], "created_at")


def test_create_item_with_description(api: httpx.Client, unique_name: UniqueName) -> None:
    name = unique_name("described")
    resp = api.post("/items", json={"name": name, "description": "a thing"})
    assert_item(assert_json(resp, 201), name=name, description="a thing")


def test_create_item_explicit_null_description(api: httpx.Client, unique_name: UniqueName) -> None:
    name = unique_name("nulldesc")
    resp = api.post("/items", json={"name": name, "description": None})
    # "description: string, optional": null is accepted as "omitted" or refused as a wrong type.
    if resp.status_code == 422:
        assert_validation_error(resp, "description")
    else:
        assert_item(assert_json(resp, 201), name=name, description=None)


def test_create_gives_distinct_ids(create_item: CreateItem) -> None:
    ids = {create_item()["id"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize(
    ("case", "raw", "field"), INVALID_BODIES, ids=[c[0] for c in INVALID_BODIES]
)
def test_create_rejects_invalid_body(
    api: httpx.Client, case: str, raw: bytes, field: str | None
) -> None:
    resp = api.post("/items", content=raw, headers=JSON_HEADERS)
    assert_validation_error(resp, field)


@pytest.mark.parametrize(
    ("label", "name", "description"),
    [
        ("name-200-chars", "n" * 200, None),
        ("name-200-cjk-chars", "日" * 200, None),
        ("name-1-char", "x", None),
        ("description-2000-chars", None, "d" * 2000),
        ("description-empty", None, ""),
        ("unicode", 'Ünïcødé ☃ 日本語 🚀 "quoted" \\ back', "naïve — emoji 🎉\nnewline\ttab"),
    ],
)
def test_create_boundaries_accepted(
    api: httpx.Client,
    unique_name: UniqueName,
    label: str,
    name: str | None,
    description: str | None,
) -> None:
    # Lengths are counted in characters; the test strings are in the BMP except the
    # emoji case, which is well under the limits whatever the unit.
    if name is None:
        name = unique_name(label)
    body: dict[str, Any] = {"name": name}
    if description is not None:
        body["description"] = description
    created = assert_item(
        assert_json(api.post("/items", json=body), 201), name=name, description=description
    )
    fetched = assert_item(assert_json(api.get(f"/items/{created['id']}"), 200))
    assert_same_item(fetched, created)


def test_create_accepts_utf8_bytes(api: httpx.Client, unique_name: UniqueName) -> None:
    name = unique_name("utf8") + " café 日本"
    raw = ('{"name": "' + name + '"}').encode("utf-8")
    resp = api.post(
        "/items", content=raw, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert_item(assert_json(resp, 201), name=name)


@pytest.mark.parametrize("content_type", NOT_JSON_TYPES)
def test_create_with_other_content_type_is_415(
    api: httpx.Client, unique_name: UniqueName, content_type: str
) -> None:
    raw = ('{"name": "' + unique_name("plain") + '"}').encode()
    resp = api.post("/items", content=raw, headers={"content-type": content_type})
    assert_error(resp, 415)


def test_create_without_content_type_is_415(api: httpx.Client, unique_name: UniqueName) -> None:
    raw = ('{"name": "' + unique_name("untyped") + '"}').encode()
    request = api.build_request("POST", "/items", content=raw)
    request.headers.pop("content-type", None)  # httpx sets none for bytes; be explicit
    assert_error(api.send(request), 415)


# ------------------------------------------------------------ GET /items/{id}


def test_get_item_round_trip(api: httpx.Client, create_item: CreateItem) -> None:
    created = create_item(description="round trip")
    resp = api.get(f"/items/{created['id']}")
    fetched = assert_item(assert_json(resp, 200))
    assert_same_item(fetched, created)


def test_get_unknown_id_is_404(api: httpx.Client, create_item: CreateItem) -> None:
    # An id of the right shape that does not exist: take a real one and delete it.
    item = create_item()
    assert api.delete(f"/items/{item['id']}").status_code == 204
    assert_error(api.get(f"/items/{item['id']}"), 404)


@pytest.mark.parametrize(
    "item_id", malformed_ids(), ids=["word", "digits", "uuid", "objectid", "space"]
)
def test_get_malformed_id_is_404(api: httpx.Client, item_id: str) -> None:
    assert_error(api.get(f"/items/{item_id}"), 404)


# ------------------------------------------------------------ PUT /items/{id}


def settle(item: dict[str, object], wait_processed: WaitProcessed) -> None:
    """PUT is checked on an item whose event was consumed. FerretDB 1.x, the local
    MongoDB stand-in, rewrites whole documents, so a PUT racing the consumer's
    `$set processed_at` can be lost there; MongoDB applies both atomically."""
    wait_processed(str(item["id"]))


def test_put_updates_item(
    api: httpx.Client,
    create_item: CreateItem,
    unique_name: UniqueName,
    wait_processed: WaitProcessed,
) -> None:
    created = create_item(description="before")
    settle(created, wait_processed)
    new_name = unique_name("after")
    resp = api.put(f"/items/{created['id']}", json={"name": new_name, "description": "after"})
    updated = assert_item(assert_json(resp, 200), name=new_name, description="after")
    assert updated["id"] == created["id"]
    assert same_instant(updated["created_at"], created["created_at"]), (
        "PUT must not change created_at"
    )
    fetched = assert_item(assert_json(api.get(f"/items/{created['id']}"), 200), name=new_name)
    assert fetched["description"] == "after"


def test_put_without_description_clears_it(
    api: httpx.Client,
    create_item: CreateItem,
    unique_name: UniqueName,
    wait_processed: WaitProcessed,
) -> None:
    # PUT takes the same body as POST and replaces the item: an omitted description is null.
    created = create_item(description="to be cleared")
    settle(created, wait_processed)
    new_name = unique_name("cleared")
    resp = api.put(f"/items/{created['id']}", json={"name": new_name})
    assert_item(assert_json(resp, 200), name=new_name, description=None)
    assert_item(
        assert_json(api.get(f"/items/{created['id']}"), 200), name=new_name, description=None
    )


def test_put_boundaries_accepted(api: httpx.Client, create_item: CreateItem) -> None:
    created = create_item()
    body = {"name": "日" * 200, "description": "d" * 2000}
    resp = api.put(f"/items/{created['id']}", json=body)
    assert_item(assert_json(resp, 200), name=body["name"], description=body["description"])


@pytest.mark.parametrize(
    ("case", "raw", "field"), INVALID_BODIES, ids=[c[0] for c in INVALID_BODIES]
)
def test_put_rejects_invalid_body(
    api: httpx.Client, create_item: CreateItem, case: str, raw: bytes, field: str | None
) -> None:
    created = create_item(description="unchanged")
    resp = api.put(f"/items/{created['id']}", content=raw, headers=JSON_HEADERS)
    assert_validation_error(resp, field)
    fetched = assert_item(assert_json(api.get(f"/items/{created['id']}"), 200))
    assert_same_item(fetched, created)


@pytest.mark.parametrize("content_type", NOT_JSON_TYPES)
def test_put_with_other_content_type_is_415(
    api: httpx.Client, create_item: CreateItem, content_type: str
) -> None:
    created = create_item(description="unchanged")
    resp = api.put(
        f"/items/{created['id']}",
        content=b'{"name": "renamed"}',
        headers={"content-type": content_type},
    )
    assert_error(resp, 415)
    fetched = assert_item(assert_json(api.get(f"/items/{created['id']}"), 200))
    assert_same_item(fetched, created)


def test_put_unknown_id_is_404(api: httpx.Client, create_item: CreateItem) -> None:
    item = create_item()
    assert api.delete(f"/items/{item['id']}").status_code == 204
    assert_error(api.put(f"/items/{item['id']}", json={"name": "ghost"}), 404)


@pytest.mark.parametrize(
    "item_id", malformed_ids(), ids=["word", "digits", "uuid", "objectid", "space"]
)
def test_put_malformed_id_is_404(api: httpx.Client, item_id: str) -> None:
    assert_error(api.put(f"/items/{item_id}", json={"name": "ghost"}), 404)


# --------------------------------------------------------- DELETE /items/{id}


def test_delete_then_gone(api: httpx.Client, create_item: CreateItem) -> None:
    item = create_item()
    resp = api.delete(f"/items/{item['id']}")
    assert resp.status_code == 204, describe(resp)
    assert resp.content == b"", f"204 must have no body: {describe(resp)}"
    assert_error(api.get(f"/items/{item['id']}"), 404)
    assert_error(api.delete(f"/items/{item['id']}"), 404)
    listed = assert_json(api.get("/items", params={"limit": 100}), 200)
    assert item["id"] not in {i["id"] for i in listed["items"]}, "a deleted item is still listed"


@pytest.mark.parametrize(
    "item_id", malformed_ids(), ids=["word", "digits", "uuid", "objectid", "space"]
)
def test_delete_malformed_id_is_404(api: httpx.Client, item_id: str) -> None:
    assert_error(api.delete(f"/items/{item_id}"), 404)


# ------------------------------------------------------------- other routes


@pytest.mark.parametrize("path", ["/no-such-route", "/items/x/y/z", "/api/items", "/health/extra"])
def test_unknown_route_is_json_404(api: httpx.Client, path: str) -> None:
    assert_error(api.get(path), 404)


# Every method a path supports; a 405's Allow must list them all (HEAD and OPTIONS
# may be listed too, they are what HTTP servers add for GET).
SUPPORTED = {
    "/health": {"GET"},
    "/ready": {"GET"},
    "/openapi.json": {"GET"},
    "/items": {"GET", "POST"},
    "/items/{id}": {"GET", "PUT", "DELETE"},
}
IMPLIED = {"HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/items/{id}"),
        ("POST", "/items/{id}"),
        ("DELETE", "/items"),
        ("PUT", "/items"),
        ("PATCH", "/items"),
        ("POST", "/health"),
        ("DELETE", "/ready"),
        ("POST", "/openapi.json"),
    ],
)
def test_wrong_method_is_405_with_allow(
    api: httpx.Client, create_item: CreateItem, method: str, path: str
) -> None:
    url = path.format(id=create_item()["id"]) if "{id}" in path else path
    resp = api.request(method, url, json={"name": "x"})
    assert_error(resp, 405)
    allow = {m.strip().upper() for m in resp.headers.get("allow", "").split(",") if m.strip()}
    expected = SUPPORTED[path]
    assert expected <= allow <= expected | IMPLIED, (
        f"Allow must list {sorted(expected)} (HEAD, OPTIONS optional), got "
        f"{resp.headers.get('allow')!r}: {describe(resp)}"
    )
