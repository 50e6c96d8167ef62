"""The CI sample covers every framework, ORM, database, queue and Socket.IO setting that is
implemented, in each language; with tier 2's pairwise sample, every two of them that some
implemented stack puts together."""

from __future__ import annotations

from itertools import combinations

from stackwise.matrix import DIMENSIONS, covering_sample, pairwise_sample
from stackwise.questionnaire import Questionnaire
from stackwise.smoke import ci_builds, ci_sample, implemented
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


def pairs(stacks: list[Stack]) -> set[tuple[object, ...]]:
    return {
        (s.language, *a, *b)
        for s in stacks
        for a, b in combinations([(dim, getattr(s, dim)) for dim in DIMENSIONS], 2)
    }


def test_builds_and_smoke_put_every_two_choices_together() -> None:
    sample, builds = ci_sample(), ci_builds()
    assert not set(sample) & set(builds)
    assert set(builds) <= set(implemented())
    assert pairs(sample + builds) == pairs(implemented())
    # A third of tier 2's old run of every stack outside the sample, or less.
    assert len(builds) * 3 <= len(implemented()) - len(sample)


def test_pairwise_sample_builds_only_what_is_not_covered() -> None:
    everything = implemented()
    assert pairwise_sample(everything, everything) == []
    node = [s for s in everything if s.language == "node"]
    first = pairwise_sample(node, [])
    assert pairs(first) == pairs(node)
    assert first == pairwise_sample(node, [])  # deterministic
