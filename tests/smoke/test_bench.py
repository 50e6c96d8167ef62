"""`stackwise bench` serves a stack and its framework's bare app side by side and prints a
row of figures for each (no figure is asserted: timing belongs in the bench's output)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

# uv's run, Node's (its production environment left out of setup), and a build inside
# the project (Rust's release build is left out: a cold one costs CI minutes).
STACKS = (
    "fastapi/sqlalchemy/postgresql/rabbitmq",
    "nestjs/drizzle/postgresql/rabbitmq",
    "gin/pgx/postgresql/rabbitmq",
)


@pytest.mark.smoke
def test_bench_prints_a_ratio_against_the_bare_app() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "stackwise.cli", "bench", *STACKS, "--seconds=1", "--rounds=1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "failed" not in proc.stderr, proc.stderr
    for stack in STACKS:
        row = next((line for line in proc.stdout.splitlines() if stack in line), "")
        assert re.search(r"│\s*\d+\.\d\d\s*│", row), proc.stdout
