"""The questionnaire as copier.yml defines it, evaluated outside Copier.

copier.yml is the one source of truth: this module only reads its questions and
renders their Jinja (defaults, choices, `when`, validators) with the same filters
Copier uses, so the CLI can explain the flowchart and offer only valid choices.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, Template

from stackwise import compiled
from stackwise.stack import Stack

FLOWCHART = (
    "realtime",
    "ml_ai",
    "max_performance",
    "high_concurrency",
    "acid",
    "flexible_schema",
    "high_throughput_events",
)
STACK = ("language", "framework", "database", "orm", "queue", "socketio")


class AnswerError(ValueError):
    """An answer that copier.yml refuses; the message is one line for the user."""


def template_root() -> Path:
    """The template: $STACKWISE_TEMPLATE, else this checkout, else the packaged copy."""
    if env := os.environ.get("STACKWISE_TEMPLATE"):
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for candidate in (here.parents[2], here.parent / "_template"):
        if (candidate / "copier.yml").is_file():
            return candidate
    raise FileNotFoundError("stackwise: copier.yml not found; set STACKWISE_TEMPLATE")


@cache
def _jinja() -> Environment:
    return Environment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])


@cache
def _template(source: str) -> Template:
    """A question's Jinja, compiled once a process and kept between runs."""
    return compiled.compile_string(_jinja(), source)


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _parse(path: Path) -> Any:
    """copier.yml, parsed once a process per version of the file (the CLI and the
    harness load it often)."""
    return _parse_version(path.resolve(), path.stat().st_mtime_ns)


@cache
def _parse_version(path: Path, mtime_ns: int) -> Any:
    return _yaml(path.read_text())


@dataclass(frozen=True)
class Choice:
    label: str
    value: str
    disabled: str = ""  # why it cannot be picked, or ""


@dataclass
class Question:
    name: str
    spec: dict[str, Any]

    @property
    def help(self) -> str:
        return str(self.spec.get("help", self.name))

    @property
    def type(self) -> str:
        return str(self.spec.get("type", "str"))

    def _render(self, value: Any, context: dict[str, Any]) -> Any:
        if not isinstance(value, str):
            return value
        return _template(value).render(context)

    def when(self, context: dict[str, Any]) -> bool:
        return _truthy(self._render(self.spec.get("when", True), context))

    def default(self, context: dict[str, Any]) -> Any:
        return self.cast(self._render(self.spec.get("default"), context))

    def cast(self, value: Any) -> Any:
        if self.type == "bool":
            return _truthy(value)
        if self.type == "yaml" and isinstance(value, str):
            return _yaml(value)
        return value if value is None or self.type == "yaml" else str(value)

    def choices(self, context: dict[str, Any]) -> list[Choice]:
        raw = self.spec.get("choices")
        if not raw:
            return []
        parsed = _yaml(self._render(raw, context)) if isinstance(raw, str) else raw
        result = []
        for label, item in (parsed or {}).items():
            if isinstance(item, dict):
                why = str(self._render(item.get("validator", ""), context)).strip()
                result.append(Choice(str(label), str(item["value"]), why))
            else:
                result.append(Choice(str(label), str(item)))
        return result

    def check(self, value: Any, context: dict[str, Any], *, strict: bool = True) -> Any:
        """The answer cast and validated as Copier would; AnswerError otherwise.

        strict=False accepts choices that are listed but not implemented yet.
        """
        value = self.cast(value)
        choices = self.choices(context)
        if choices:
            match = next((c for c in choices if c.value == value), None)
            if match is None:
                valid = ", ".join(c.value for c in choices if not c.disabled)
                raise AnswerError(f"{self.name}: {value!r} is not one of: {valid}")
            if match.disabled and strict:
                raise AnswerError(f"{self.name}: {match.disabled}")
        if validator := self.spec.get("validator"):
            message = str(self._render(validator, {**context, self.name: value})).strip()
            if message:
                raise AnswerError(f"{self.name}: {message}")
        return value


@dataclass
class Questionnaire:
    questions: dict[str, Question]
    catalog: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path | None = None) -> Questionnaire:
        data = _parse((root or template_root()) / "copier.yml")
        questions = {
            name: Question(name, spec)
            for name, spec in data.items()
            if not name.startswith("_") and isinstance(spec, dict)
        }
        return cls(questions, questions["catalog"].spec["default"])

    def combinations(self) -> list[Stack]:
        """Every stack the catalog lists, implemented or not, in copier.yml's order.

        Walks the questions' own choices (the ORM filter and the socketio question's
        `when` live in copier.yml), so nothing here re-encodes a rule.
        """
        found = []
        context = self.base_context()
        stack_questions = [self.questions[name] for name in ("language", "framework")]
        for language in stack_questions[0].choices(context):
            at_language = {**context, "language": language.value}
            for framework in stack_questions[1].choices(at_language):
                at_framework = {**at_language, "framework": framework.value}
                for database in self.questions["database"].choices(at_framework):
                    at_database = {**at_framework, "database": database.value}
                    for orm in self.questions["orm"].choices(at_database):
                        at_orm = {**at_database, "orm": orm.value}
                        gateway = [False, True] if self.asked("socketio", at_orm) else [False]
                        for queue in self.questions["queue"].choices(at_orm):
                            for socketio in gateway:
                                found.append(
                                    Stack(
                                        language.value,
                                        framework.value,
                                        orm.value,
                                        database.value,
                                        queue.value,
                                        socketio,
                                    )
                                )
        return found

    def stack_of(self, answers: dict[str, Any]) -> Stack:
        """The stack these answers choose."""
        return Stack(
            str(answers["language"]),
            str(answers["framework"]),
            str(answers["orm"]),
            str(answers["database"]),
            str(answers["queue"]),
            bool(answers.get("socketio")) and self.asked("socketio", answers),
        )

    def refusal(self, stack: Stack) -> str:
        """Why copier.yml refuses this stack, or "" when it is offered."""
        try:
            self.resolve({"project_name": "demo-svc", **stack.answers()})
        except AnswerError as error:
            return str(error)
        return ""

    def implemented(self) -> list[Stack]:
        """The stacks copier.yml offers: worked out from the statuses and the rules."""
        return [stack for stack in self.combinations() if not self.refusal(stack)]

    def base_context(self) -> dict[str, Any]:
        """The data tables (hidden YAML with a literal default: the catalog, the reserved
        names), as Copier's context has them before the first question."""
        tables = {
            name: q.spec.get("default")
            for name, q in self.questions.items()
            if q.type == "yaml" and not isinstance(q.spec.get("default"), str)
        }
        return {**tables, "catalog": self.catalog, "_folder_name": ""}

    def resolve(self, given: dict[str, Any], *, strict: bool = True) -> dict[str, Any]:
        """Every answer, in copier.yml order: given ones checked, the rest defaulted.

        Questions whose `when` is false take their default, as in Copier. Raises
        AnswerError with a one-line message for the first refused answer. With
        strict=False defaults are taken as they are (what the flowchart recommends,
        implemented or not).
        """
        unknown = sorted(set(given) - set(self.public_names()))
        if unknown:
            raise AnswerError(f"unknown question(s): {', '.join(unknown)}")
        context = self.base_context()
        for name, question in self.answerable():
            if name in given:
                context[name] = question.check(given[name], context, strict=strict)
            elif strict and question.when(context):
                context[name] = question.check(question.default(context), context)
            else:
                context[name] = question.default(context)
        return {name: context[name] for name, _ in self.answerable()}

    def answerable(self) -> list[tuple[str, Question]]:
        """Questions with an answer (data tables such as the catalog excluded)."""
        return [(n, q) for n, q in self.questions.items() if q.type != "yaml"]

    def asked(self, name: str, answers: dict[str, Any]) -> bool:
        """Whether Copier asks this question, given the answers so far."""
        return self.questions[name].when({**self.base_context(), **answers})

    def pitfalls(self, answers: dict[str, Any], given: Iterable[str] = ()) -> list[str]:
        """The seed's pitfalls these answers walk into; `given` names the answers the user
        gave (the rest are defaults), so a warning can say which."""
        context = {**self.base_context(), **answers, "_asked": sorted(given)}
        found = []
        for pitfall in self.questions["pitfalls"].spec["default"]:
            if _truthy(_template(pitfall["when"]).render(context)):
                found.append(_template(pitfall["say"]).render(context))
        return found

    def public_names(self) -> list[str]:
        return [n for n, q in self.answerable() if q.spec.get("when") is not False]


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "y", "1", "on"}
    return bool(value)
