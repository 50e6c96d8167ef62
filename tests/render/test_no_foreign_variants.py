"""No leftovers: a generated project names no framework, ORM or queue of its language that
it does not use (a comment about Django in a FastAPI project, a Kafka setting in a
RabbitMQ one). Only the README's "What was chosen and why" may, as it explains choices.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from stackwise.questionnaire import Questionnaire
from stackwise.stack import Stack
from tests.render.test_combinations import data_for, render

Q = Questionnaire.load()
CHOICES_SECTION = re.compile(r"^## What was chosen and why\n.*?(?=^## )", re.M | re.S)


def names(key: str, spec: dict[str, Any]) -> set[str]:
    """How a variant is written: its key ("django-orm", "django orm") and the first word of
    its label when that is a name ("SQLAlchemy", "PyMongo")."""
    found = {key, key.replace("-", " ")}
    first = str(spec.get("label", "")).split(" ")[0]
    if first.isalpha() and len(first) > 3:
        found.add(first)
    return {name.lower() for name in found}


def foreign_names(stack: Stack) -> set[str]:
    """Names of the variants of the stack's language that it does not use, less any name
    that a variant it uses shares (Django ORM is Django's)."""
    lang = Q.catalog["languages"][stack.language]
    used: set[str] = set()
    unused: set[str] = set()
    for kind, chosen in (("frameworks", stack.framework), ("orms", stack.orm)):
        for key, spec in lang[kind].items():
            (used if key == chosen else unused).update(names(key, spec))
    for key, spec in lang["queues"].items():
        (used if key == stack.queue else unused).update(names(key, spec))
    return unused - used


def foreign_mentions(project: Path, stack: Stack) -> list[str]:
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(sorted(map(re.escape, foreign_names(stack)))) + r")(?![\w-])",
        re.I,
    )
    found = []
    for path in sorted(project.rglob("*")):
        if not path.is_file() or ".git" in path.parts:
            continue
        text = path.read_text()
        if path.name == "README.md":
            text = CHOICES_SECTION.sub("", text)
        for number, line in enumerate(text.splitlines(), 1):
            found.extend(
                f"{path.relative_to(project)}:{number}: {match[0]!r} in {line.strip()!r}"
                for match in pattern.finditer(line)
            )
    return found


@pytest.mark.parametrize("stack", Q.implemented(), ids=str)
def test_no_file_names_a_variant_the_stack_does_not_use(
    stack: Stack, root: Path, tmp_path: Path
) -> None:
    project = tmp_path / "demo-svc"
    render(root, project, data_for(stack))
    mentions = foreign_mentions(project, stack)
    assert not mentions, "\n".join(mentions)


def test_the_check_finds_a_leftover(tmp_path: Path) -> None:
    stack = Stack.parse("fastapi/sqlalchemy/postgresql/rabbitmq", Q.catalog)
    (tmp_path / "app.py").write_text("# unlike Django, and no Kafka here\n")
    (tmp_path / "README.md").write_text(
        "## What was chosen and why\nnot Flask\n## Run\nnothing else\n"
    )
    mentions = foreign_mentions(tmp_path, stack)
    assert [mention.split("'")[1] for mention in mentions] == ["Django", "Kafka"], mentions
