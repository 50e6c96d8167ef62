"""The CI sample covers every framework, ORM, database, queue and Socket.IO setting that is
implemented, in each language."""

from __future__ import annotations

from stackwise.matrix import DIMENSIONS, covering_sample
from stackwise.questionnaire import Questionnaire
from stackwise.smoke import ci_sample, implemented
from stackwise.stack import Stack


def values(stacks: list[Stack]) -> set[tuple[str, str, object]]:
    return {(s.language, dim, getattr(s, dim)) for s in stacks for dim in DIMENSIONS}


def test_sample_is_implemented_and_covering() -> None:
    sample = ci_sample()
    assert set(sample) <= set(implemented())
    assert values(sample) == values(implemented())


def test_sample_covers_the_whole_catalog_in_few_stacks() -> None:
    everything = Questionnaire.load().combinations()
    sample = covering_sample(everything)
    assert values(sample) == values(everything)
    assert len(sample) <= 16  # 13 frameworks, so at least 13
