"""project_name must be valid as a Python package, npm package, Go module and Cargo crate."""

from __future__ import annotations

import pytest

from stackwise.questionnaire import AnswerError, Questionnaire

Q = Questionnaire.load()
HOSTILE = [
    "../x",
    "class",
    "con",
    "1abc",
    "$(id)",
    "a" * 300,
    "node_modules",
    "my\nname",
    "x/y",
    "..",
    "-abc",
    "abc-",
    "a--b",
    "My-Svc",
    "with space",
    "tab\there",
    "nul",
    "a\x00b",
    "über",
    "test",
    "fn",
    "func",
    "std",
    "ab.c",
    "",
    "x",
]


@pytest.mark.parametrize("name", HOSTILE, ids=repr)
def test_hostile_names_are_refused(name: str) -> None:
    with pytest.raises(AnswerError, match=r"^project_name: "):
        Q.resolve({"project_name": name, "ml_ai": True})


@pytest.mark.parametrize("name", ["svc", "my-svc", "orders2", "a1-b2-c3", "x" * 40])
def test_good_names(name: str) -> None:
    answers = Q.resolve({"project_name": name, "ml_ai": True})
    assert answers["package_name"] == name.replace("-", "_")
    assert answers["package_name"].isidentifier()
