"""The item.created event body, the same on every broker."""

import json
from datetime import UTC, datetime

from .items import rfc3339

ITEM_CREATED = "item.created"


def item_created(item_id: str, occurred_at: datetime | None = None) -> bytes:
    event = {
        "type": ITEM_CREATED,
        "id": item_id,
        "occurred_at": rfc3339(occurred_at or datetime.now(UTC)),
    }
    return json.dumps(event, separators=(",", ":")).encode()


def parse_item_created(body: bytes) -> str:
    """The item id of an item.created event; ValueError for anything else."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not JSON: {error}") from error
    if not isinstance(event, dict) or event.get("type") != ITEM_CREATED:
        raise ValueError("not an item.created event")
    item_id = event.get("id")
    if not isinstance(item_id, str) or not item_id:
        raise ValueError("item.created event without an id")
    return item_id
