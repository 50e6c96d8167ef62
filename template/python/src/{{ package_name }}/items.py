"""The item: its validation rules and its JSON form, shared by every layer."""

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
LIST_LIMIT_DEFAULT = 20
LIST_LIMIT_MAX = 100
LIST_OFFSET_MAX = 2_147_483_647
"""The largest offset a client may ask for, the same on every stack and database."""
NO_NUL = r"^[^\x00]*$"
"""Text fields hold no NUL character (PostgreSQL's text cannot store one)."""

Item = dict[str, Any]
"""An item as clients see it: id, name, description, created_at, processed_at."""


class ItemIn(BaseModel):
    """The body of POST /items and PUT /items/{id}; unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NO_NUL)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH, pattern=NO_NUL)


def is_json(content_type: str | None) -> bool:
    """Whether a request body is labelled JSON: application/json or application/*+json,
    parameters (charset) allowed. Any other body is answered 415."""
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def rfc3339(moment: datetime) -> str:
    """An RFC 3339 timestamp; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def item(
    id: object,
    name: str,
    description: str | None,
    created_at: datetime,
    processed_at: datetime | None,
) -> Item:
    return {
        "id": str(id),
        "name": name,
        "description": description,
        "created_at": rfc3339(created_at),
        "processed_at": rfc3339(processed_at) if processed_at else None,
    }


def cacheable(value: Item) -> bool:
    """Only settled items are cached: one still waiting for its item.created event is
    about to change, and caching it could pin a copy without processed_at."""
    return value["processed_at"] is not None


def to_json(value: object) -> bytes:
    """Compact UTF-8 JSON, the same bytes whether served from the database or the cache."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
