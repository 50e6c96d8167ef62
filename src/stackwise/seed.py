"""`python -m stackwise.seed DIRECTORY`: the compiled templates the wheel ships.

hatch_build.py runs it when it builds the wheel: `stackwise new` of CI's covering sample
(every framework, ORM, database and queue at least once, so every template file) and of
each flowchart answer (the questionnaire's strings), with an empty compiled-template
cache, writing each template compiled into DIRECTORY, the package `stackwise._seed` (see
stackwise.compiled).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from stackwise import compiled
from stackwise.cli import app
from stackwise.matrix import covering_sample
from stackwise.questionnaire import FLOWCHART, Questionnaire


def seed(directory: Path) -> int:
    """Write the seed into directory; returns how many projects were rendered."""
    with tempfile.TemporaryDirectory(prefix="stackwise-seed-") as work:
        # Before anything is compiled: the questionnaire's own strings are seeded too.
        os.environ["STACKWISE_CACHE"] = str(Path(work) / "cache")
        compiled.seed_into(directory)
        stacks = covering_sample(Questionnaire.load().implemented())
        runs = [[f"--set={key}={value}" for key, value in s.answers().items()] for s in stacks]
        runs += [[f"--{question.replace('_', '-')}"] for question in FLOWCHART]
        for n, answers in enumerate(runs):
            app(["new", str(Path(work) / f"svc{n}"), "--defaults", *answers], standalone_mode=False)
    return len(runs)


if __name__ == "__main__":
    count = seed(Path(sys.argv[1]))
    print(f"seeded the templates compiled by {count} renders into {sys.argv[1]}")
