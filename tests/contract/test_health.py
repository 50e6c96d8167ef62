"""GET /health and GET /ready."""

from __future__ import annotations

from typing import Any

import httpx

from .support import assert_json, describe, poll

READY_TIMEOUT_SECONDS = 20.0
READY_BODY = {"status": "ready", "checks": {"database": "ok", "cache": "ok", "queue": "ok"}}


def test_health_exact_body(api: httpx.Client) -> None:
    resp = api.get("/health")
    assert assert_json(resp, 200) == {"status": "ok"}, describe(resp)


def test_ready_reports_every_dependency_ok(api: httpx.Client) -> None:
    # The consumer connects in the background, so "queue" may take a moment.
    last: list[httpx.Response] = []

    def ready() -> Any:
        resp = api.get("/ready")
        last[:] = [resp]
        if resp.status_code == 200 and resp.json() == READY_BODY:
            return resp
        return None

    resp = poll(ready, timeout=READY_TIMEOUT_SECONDS, interval=0.25)
    assert resp is not None, (
        f"/ready never became {READY_BODY} within {READY_TIMEOUT_SECONDS:.0f} s; "
        f"last: {describe(last[0])}"
    )
    assert assert_json(resp, 200) == READY_BODY


def test_ready_shape_is_stable(api: httpx.Client) -> None:
    """Whatever the state, /ready answers 200 or 503 with the contract's shape."""
    resp = api.get("/ready")
    assert resp.status_code in (200, 503), describe(resp)
    body = assert_json(resp, resp.status_code)
    assert set(body) == {"status", "checks"}, describe(resp)
    assert set(body["checks"]) == {"database", "cache", "queue"}, describe(resp)
    assert all(v in ("ok", "error") for v in body["checks"].values()), describe(resp)
    if resp.status_code == 200:
        assert body["status"] == "ready", describe(resp)
        assert body["checks"]["database"] == "ok", describe(resp)
    else:
        assert body["checks"]["database"] == "error", (
            f"only a down database makes /ready 503: {describe(resp)}"
        )
