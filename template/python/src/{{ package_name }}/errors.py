"""Error types and the contract's error bodies, shared by every framework."""

from collections.abc import Iterable, Mapping
from typing import Any

LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})
MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not an allowed field",
    "json_invalid": "is not valid JSON",
    "string_pattern_mismatch": "must not contain a NUL character",
}
INVALID_UTF8 = {"body": "is not valid UTF-8"}


class DatabaseUnavailable(Exception):
    """The database could not be reached in time; answered with 503."""


def error_body(message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message}
    if fields is not None:
        error["fields"] = dict(fields)
    return {"error": error}


def validation_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Pydantic errors as {field: message}; errors about the whole body go under "body"."""
    fields: dict[str, str] = {}
    for error in errors:
        loc = [part for part in error.get("loc", ()) if isinstance(part, str)]
        if len(loc) > 1 and loc[0] in LOCATIONS:
            loc = loc[1:]
        field = ".".join(loc) or "body"
        fields.setdefault(field, MESSAGES.get(error.get("type", ""), error.get("msg", "invalid")))
    return fields
