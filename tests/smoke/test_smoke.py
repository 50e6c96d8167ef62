"""Smoke tier: each stack rendered, built, linted, tested, served, contract-checked, stopped.

CI runs the covering sample; STACKWISE_SMOKE=all runs every implemented stack.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stackwise.smoke import ci_sample, implemented, smoke
from stackwise.stack import Stack

STACKS = implemented() if os.environ.get("STACKWISE_SMOKE") == "all" else ci_sample()


@pytest.mark.smoke
@pytest.mark.parametrize("stack", STACKS, ids=str)
def test_stack_passes_smoke_and_contract(stack: Stack, tmp_path: Path) -> None:
    result = smoke(stack, tmp_path, log=print)
    assert result.ok, f"{stack}: {result.failed_step} failed\n{result.output}"
