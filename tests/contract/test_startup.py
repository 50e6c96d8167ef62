"""Start-up with a missing or malformed variable exits non-zero at once, naming it.

Runs only when CONTRACT_SERVICE_DIR and CONTRACT_RUN_CMD say how to start the
service (e.g. CONTRACT_RUN_CMD="make run"). SIGTERM is checked by the smoke harness.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

EXIT_TIMEOUT_SECONDS = 15.0

# The marks of a check that starts its own copy of the service (test_request_log too).
STARTS_THE_SERVICE = [
    pytest.mark.process,
    pytest.mark.skipif(
        not (os.environ.get("CONTRACT_SERVICE_DIR") and os.environ.get("CONTRACT_RUN_CMD")),
        reason="CONTRACT_SERVICE_DIR and CONTRACT_RUN_CMD not set: this check starts the service",
    ),
]
pytestmark = STARTS_THE_SERVICE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_with(changes: dict[str, str | None]) -> tuple[int | None, str]:
    """Run CONTRACT_RUN_CMD in CONTRACT_SERVICE_DIR with the suite's environment changed
    by `changes` (None unsets). Returns (exit code or None if still running, output)."""
    env = dict(os.environ)
    env["PORT"] = str(free_port())  # never collide with the service under test
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    proc = subprocess.Popen(
        os.environ["CONTRACT_RUN_CMD"],
        shell=True,
        cwd=os.environ["CONTRACT_SERVICE_DIR"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=EXIT_TIMEOUT_SECONDS)
        return proc.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this test started, nothing else
        out, _ = proc.communicate(timeout=5)
        return None, out.decode("utf-8", "replace")


def dotenv_defines(name: str) -> bool:
    path = Path(os.environ["CONTRACT_SERVICE_DIR"]) / ".env"
    if not path.is_file():
        return False
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip().removeprefix("export ").lstrip()
        if line.startswith(f"{name}="):
            return True
    return False


CASES: list[tuple[str, str, str | None]] = [
    ("DATABASE_URL", "unset", None),
    ("DATABASE_URL", "empty", ""),
    ("REDIS_URL", "unset", None),
    ("PORT", "abc", "abc"),
    ("DB_POOL_MAX", "x", "x"),
    ("CACHE_TTL_SECONDS", "abc", "abc"),
]


@pytest.mark.parametrize(
    ("variable", "label", "value"), CASES, ids=[f"{v}-{label}" for v, label, _ in CASES]
)
def test_bad_variable_stops_startup(variable: str, label: str, value: str | None) -> None:
    if value is None and dotenv_defines(variable):
        pytest.skip(
            f"{variable} is defined in CONTRACT_SERVICE_DIR/.env, so unsetting it proves nothing"
        )
    code, output = start_with({variable: value})
    tail = "\n".join(output.strip().splitlines()[-15:])
    assert code is not None, (
        f"with {variable} {label} the service was still running after "
        f"{EXIT_TIMEOUT_SECONDS:.0f} s (it must refuse to start); output:\n{tail}"
    )
    assert code != 0, f"with {variable} {label} start-up exited 0; output:\n{tail}"
    assert any(variable in line for line in output.splitlines()), (
        f"with {variable} {label} no output line names {variable}; output:\n{tail}"
    )
