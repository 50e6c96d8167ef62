"""The smoke sample covers every framework, ORM, database and queue that is implemented."""

from __future__ import annotations

from stackwise.smoke import CI_SAMPLE, implemented


def test_sample_is_implemented_and_covering() -> None:
    assert set(CI_SAMPLE) <= set(implemented())
    for position in range(4):  # framework, orm, database, queue
        wanted = {stack.split("/")[position] for stack in implemented()}
        covered = {stack.split("/")[position] for stack in CI_SAMPLE}
        assert wanted == covered, (position, wanted - covered)
