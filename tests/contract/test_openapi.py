"""GET /openapi.json: an OpenAPI 3.x document that describes the API as it answers.

The API fuzzer of the smoke run (stackwise.fuzz) checks the answers against this
document; this file checks that the document names every operation, every status the
contract gives it, and a JSON schema for every body, the error body included.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from .support import assert_json, describe

ITEM_PATH = re.compile(r"^/items/\{[^{}/]+\}$")

# (path, method) -> the statuses the contract gives that operation.
OPERATIONS: dict[tuple[str, str], set[str]] = {
    ("/health", "get"): {"200"},
    ("/ready", "get"): {"200", "503"},
    ("/items", "post"): {"201", "415", "422", "503"},
    ("/items", "get"): {"200", "422", "503"},
    ("/items/{id}", "get"): {"200", "404", "503"},
    ("/items/{id}", "put"): {"200", "404", "415", "422", "503"},
    ("/items/{id}", "delete"): {"204", "404", "503"},
}


@pytest.fixture(scope="module")
def document(api: httpx.Client) -> dict[str, Any]:
    resp = api.get("/openapi.json")
    body = assert_json(resp, 200)
    assert isinstance(body, dict), describe(resp)
    return body


def resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/components/...`) until a node without one."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert isinstance(ref, str) and ref.startswith("#/"), f"non-local $ref {ref!r}"
        node = document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        seen += 1
        assert seen < 20, f"$ref loop at {ref!r}"
    return node


def operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    paths = document.get("paths")
    assert isinstance(paths, dict) and paths, "the document has no paths"
    if path == "/items/{id}":
        matches = [p for p in paths if ITEM_PATH.match(p)]
        assert len(matches) == 1, f"one /items/{{param}} path expected, got {sorted(paths)}"
        path = matches[0]
    assert path in paths, f"{path} is missing from the document's paths: {sorted(paths)}"
    op = resolve(document, paths[path]).get(method)
    assert isinstance(op, dict), f"{method.upper()} {path} is missing from the document"
    return op


def json_schema(document: dict[str, Any], response: dict[str, Any], where: str) -> Any:
    content = response.get("content")
    assert isinstance(content, dict), f"{where}: no content"
    media = next((m for m in content if m.split(";")[0].strip() == "application/json"), None)
    assert media is not None, f"{where}: no application/json content, got {sorted(content)}"
    schema = content[media].get("schema")
    assert isinstance(schema, dict) and schema, f"{where}: application/json has no schema"
    return resolve(document, schema)


def test_document_is_openapi_3(document: dict[str, Any]) -> None:
    version = document.get("openapi")
    assert isinstance(version, str) and version.startswith("3."), (
        f'"openapi" must be a 3.x version, got {version!r}'
    )
    info = document.get("info")
    assert isinstance(info, dict) and info.get("title") and info.get("version"), (
        f"info needs a title and a version: {info!r}"
    )


@pytest.mark.parametrize(
    ("path", "method"), list(OPERATIONS), ids=[f"{m} {p}" for p, m in OPERATIONS]
)
def test_every_operation_documents_its_statuses(
    document: dict[str, Any], path: str, method: str
) -> None:
    op = operation(document, path, method)
    responses = resolve(document, op.get("responses"))
    assert isinstance(responses, dict), f"{method.upper()} {path}: no responses"
    documented = {str(code) for code in responses}
    missing = OPERATIONS[(path, method)] - documented
    assert not missing, (
        f"{method.upper()} {path} does not document {sorted(missing)} (documents "
        f"{sorted(documented)})"
    )
    for code in sorted(documented & OPERATIONS[(path, method)]):
        where = f"{method.upper()} {path} {code}"
        response = resolve(document, responses[code])
        if code == "204":
            assert not response.get("content"), f"{where}: a 204 has no body"
            continue
        schema = json_schema(document, response, where)
        if code.startswith(("4", "5")) and path != "/ready":  # /ready's 503 is its own shape
            assert "error" in schema.get("properties", {}), (
                f'{where}: the error body schema must have an "error" property, got {schema}'
            )


def test_no_other_operations(document: dict[str, Any]) -> None:
    """What the document lists, the service answers: no route is documented that the
    contract does not have (a fuzzer would hit it)."""
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    known = {*OPERATIONS, ("/openapi.json", "get")}
    listed = {
        ("/items/{id}" if ITEM_PATH.match(path) else path, method)
        for path, item in document.get("paths", {}).items()
        for method in resolve(document, item)
        if method in methods
    }
    extra = listed - known
    assert not extra, f"the document lists operations the contract has not: {sorted(extra)}"
