"""Smoke tier: each stack rendered, built, linted, tested, served, contract-checked, stopped.

CI runs the covering sample; STACKWISE_SMOKE=all runs every implemented stack.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stackwise.smoke import CI_SAMPLE, implemented, smoke

STACKS = implemented() if os.environ.get("STACKWISE_SMOKE") == "all" else list(CI_SAMPLE)


@pytest.mark.smoke
@pytest.mark.parametrize("stack", STACKS)
def test_stack_passes_smoke_and_contract(stack: str, tmp_path: Path) -> None:
    result = smoke(stack, tmp_path, log=print)
    assert result.ok, f"{stack}: {result.failed_step} failed\n{result.output}"
