"""The bodies the API answers, as Pydantic models, for its OpenAPI document. The
handlers build these bodies as plain dicts (items.item, errors.error_body), cached and
served as bytes; these models describe exactly that JSON."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .items import LIST_LIMIT_MAX, LIST_OFFSET_MAX

Check = Literal["ok", "error"]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemOut(Closed):
    id: str = Field(description="Opaque to clients")
    name: str
    description: str | None
    created_at: str = Field(json_schema_extra={"format": "date-time"})
    processed_at: str | None = Field(
        json_schema_extra={"format": "date-time"},
        description="Set by the event consumer once it has handled item.created",
    )


class ItemPage(Closed):
    items: list[ItemOut] = Field(description="Newest first")
    limit: int = Field(ge=1, le=LIST_LIMIT_MAX)
    offset: int = Field(ge=0, le=LIST_OFFSET_MAX)


class Health(Closed):
    status: Literal["ok"]


HEALTHY = Health(status="ok").model_dump_json().encode()
"""The body of GET /health, encoded once."""


class Checks(Closed):
    database: Check
    cache: Check
    queue: Check


class Readiness(Closed):
    status: Literal["ready", "unavailable"]
    checks: Checks


class ErrorDetail(Closed):
    message: str
    fields: dict[str, str] | None = Field(
        default=None, description="422 only: what is wrong with each field ('body' for all)"
    )


class ErrorBody(Closed):
    error: ErrorDetail


CACHE_HEADER = {
    "X-Cache": {
        "description": "HIT or MISS in Redis, BYPASS when Redis is unreachable",
        "schema": {"type": "string", "enum": ["HIT", "MISS", "BYPASS"]},
    }
}
