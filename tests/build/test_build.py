"""Tier 2: the pairwise sample (every two choices of a language side by side at least once,
beyond what the smoke sample builds) is installed from the shared caches, built (where its
language builds) and linted: `make setup` and `make lint`.

STACKWISE_BUILD=all builds every implemented stack outside the smoke sample instead.
STACKWISE_SMOKE=all smoke-tests every stack, which makes this tier redundant, so it then
runs nothing twice.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stackwise.smoke import build, ci_builds, ci_sample, implemented
from stackwise.stack import Stack

if os.environ.get("STACKWISE_SMOKE") == "all":
    STACKS: list[Stack] = []
elif os.environ.get("STACKWISE_BUILD") == "all":
    STACKS = [stack for stack in implemented() if stack not in ci_sample()]
else:
    STACKS = ci_builds()


@pytest.mark.build
@pytest.mark.parametrize("stack", STACKS, ids=str)
def test_stack_installs_builds_and_lints(stack: Stack, tmp_path: Path) -> None:
    result = build(stack, tmp_path, log=print)
    assert result.ok, f"{stack}: {result.failed_step} failed\n{result.output}"
