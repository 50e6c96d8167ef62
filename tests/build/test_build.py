"""Tier 2: every implemented stack outside the smoke sample is installed from the shared
caches, built (where its language builds) and linted: `make setup` and `make lint`.

The sample gets the same steps and more in the smoke tier; STACKWISE_SMOKE=all smoke-tests
every stack instead, which makes this tier redundant, so it then runs nothing twice.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stackwise.smoke import build, ci_sample, implemented
from stackwise.stack import Stack

SMOKED = implemented() if os.environ.get("STACKWISE_SMOKE") == "all" else ci_sample()
STACKS = [stack for stack in implemented() if stack not in SMOKED]


@pytest.mark.build
@pytest.mark.parametrize("stack", STACKS, ids=str)
def test_stack_installs_builds_and_lints(stack: Stack, tmp_path: Path) -> None:
    result = build(stack, tmp_path, log=print)
    assert result.ok, f"{stack}: {result.failed_step} failed\n{result.output}"
