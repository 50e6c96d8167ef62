"""`stackwise bench --generate` runs every contender and prints the tables (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.release


def test_bench_generate_prints_every_contender() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "stackwise.cli", "bench", "--generate", "--rounds", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for row in (
        "stackwise new",
        "stackwise new, cold (an empty compiled-template cache)",
        "stackwise new, first run after installing the wheel (its compiled seed)",
        "copier copy (this template)",
        "copier copy (this template), Copier caching compiled templates",
        "copier copy (bare template)",
        "stackwise update",
        "copier update (this template)",
        "copier update (this template), Copier caching compiled templates",
        "copier update (bare template)",
    ):
        assert row in proc.stdout, proc.stdout
