"""The test matrix: which stacks CI proves at which tier, and the smoke report.

Tier 1 renders every implemented stack and runs its language's install-free checks;
tier 2, the pairwise sample, installs, builds and lints from shared caches stacks that
together put every two choices of a language side by side at least once; tier 3, the
covering sample, runs the whole smoke (own tests, contract suite, fuzzer) and the fault
tests.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stackwise.stack import Stack
from stackwise.toolchains import cache_dir

DIMENSIONS = ("framework", "orm", "database", "queue", "socketio")


def covering_sample(stacks: Sequence[Stack]) -> list[Stack]:
    """A small set of stacks that together use every framework, ORM, database, queue and
    Socket.IO setting of `stacks` at least once in each language (each language has its
    own database and broker code). Greedy and deterministic: ties go to catalog order."""
    wanted = set().union(*(_values(s) for s in stacks))
    sample: list[Stack] = []
    while wanted:
        best = max(stacks, key=lambda s: len(_values(s) & wanted))
        sample.append(best)
        wanted -= _values(best)
    return sample


def pairwise_sample(stacks: Sequence[Stack], covered: Sequence[Stack]) -> list[Stack]:
    """Stacks of `stacks`, beyond those `covered` already builds, that together build every
    pair of choices found side by side in any of `stacks` (a framework with each ORM, each
    queue, with and without Socket.IO; an ORM with each queue; ...): a template's
    mistakes lie in one choice or where two meet. Greedy and deterministic like
    covering_sample."""
    wanted = set().union(*(_pairs(s) for s in stacks)) - set().union(*(_pairs(s) for s in covered))
    sample: list[Stack] = []
    while wanted:
        best = max(stacks, key=lambda s: len(_pairs(s) & wanted))
        sample.append(best)
        wanted -= _pairs(best)
    return sample


def _values(stack: Stack) -> set[tuple[str, str, Any]]:
    return {(stack.language, dim, getattr(stack, dim)) for dim in DIMENSIONS}


def _pairs(stack: Stack) -> set[frozenset[tuple[str, str, Any]]]:
    values = _values(stack)
    return {frozenset((a, b)) for a in values for b in values if a < b}


def tier(
    stack: Stack, implemented: Sequence[Stack], sample: Sequence[Stack], built: Sequence[Stack]
) -> str:
    """How CI covers a stack: `smoke` (tier 3), `build` (tier 2), `render` (tier 1 only;
    `stackwise smoke --all` runs it) or `refused`."""
    if stack in sample:
        return "smoke"
    if stack in built:
        return "build"
    return "render" if stack in implemented else "refused"


@dataclass
class Entry:
    """One stack's latest smoke result."""

    stack: str
    ok: bool
    seconds: float
    failed_step: str = ""
    steps: dict[str, float] = field(default_factory=dict)
    template_commit: str = ""
    date: str = ""


def report_path() -> Path:
    return Path(os.environ.get("STACKWISE_REPORT") or cache_dir() / "smoke-report.json")


def read_report(path: Path | None = None) -> dict[str, Entry]:
    path = path or report_path()
    try:
        rows = json.loads(path.read_text())["stacks"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {row["stack"]: Entry(**row) for row in rows}


def record(entries: Sequence[Entry], template: Path, path: Path | None = None) -> Path:
    """Merge these results into the report (one entry per stack, the latest wins)."""
    path = path or report_path()
    commit = _commit(template)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    merged = read_report(path)
    for entry in entries:
        entry.template_commit = entry.template_commit or commit
        entry.date = entry.date or now
        merged[entry.stack] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    rows = [asdict(merged[key]) for key in sorted(merged)]
    tmp.write_text(json.dumps({"stacks": rows}, indent=2) + "\n")
    tmp.replace(path)
    return path


def _commit(template: Path) -> str:
    proc = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=template,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() if proc.returncode == 0 else "unknown"
