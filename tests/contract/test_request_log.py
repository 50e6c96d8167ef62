"""One JSON log line per request on stdout, with method, path, status and duration_ms,
every line written by the time the service has exited on SIGTERM.

Starts its own copy of the service, as test_startup does (CONTRACT_SERVICE_DIR and
CONTRACT_RUN_CMD), since the lines are the service's stdout.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from typing import Any

import httpx

from .test_startup import EXIT_TIMEOUT_SECONDS, STARTS_THE_SERVICE, free_port

START_TIMEOUT_SECONDS = 90.0

pytestmark = STARTS_THE_SERVICE

# (method, path sent, path logged, status): a route, a query string, no route, wrong method
REQUESTS = [
    ("GET", "/health", "/health", 200),
    ("GET", "/health?probe=log", "/health", 200),
    ("GET", "/no-such-route", "/no-such-route", 404),
    ("DELETE", "/health", "/health", 405),
]


def _serve_and_stop() -> str:
    port = free_port()
    proc = subprocess.Popen(
        os.environ["CONTRACT_RUN_CMD"],
        shell=True,
        cwd=os.environ["CONTRACT_SERVICE_DIR"],
        env={**os.environ, "PORT": str(port), "LOG_LEVEL": "info"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            assert proc.poll() is None, "the service exited during start-up"
            assert time.monotonic() < deadline, "/health did not answer during start-up"
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=5) as client:
            for method, path, _, status in REQUESTS:
                assert client.request(method, path).status_code == status, (method, path)
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=EXIT_TIMEOUT_SECONDS)
        return out.decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=5)


def _request_lines(output: str) -> list[dict[str, Any]]:
    lines = []
    for text in output.splitlines():
        try:
            line = json.loads(text)
        except ValueError:
            continue  # make's own lines, a toolchain's notices
        if isinstance(line, dict) and {"method", "path", "status", "duration_ms"} <= line.keys():
            lines.append(line)
    return lines


def test_every_request_is_logged_once_as_json() -> None:
    lines = _request_lines(_serve_and_stop())
    for line in lines:
        assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0, line
        assert isinstance(line["status"], int), line
    logged = [(line["method"], line["path"], line["status"]) for line in lines]
    for method, _, path, status in REQUESTS:
        assert (method, path, status) in logged, f"no line for {method} {path} {status}: {logged}"
    # the probes of start-up are GET /health 200 too; the three others come once each
    for method, _, path, status in REQUESTS[2:]:
        assert logged.count((method, path, status)) == 1, f"{method} {path}: {logged}"
