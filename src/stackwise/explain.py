"""Explain a recommendation: the path through the flowchart and the reason for each pick."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from stackwise.questionnaire import FLOWCHART, STACK, Questionnaire

CACHE_REASON = (
    "Redis, always: the seed's caching layer (sub-millisecond reads, far less database load)"
)


def stack_line(answers: dict[str, Any]) -> str:
    return "/".join(str(answers.get(k, "?")) for k in ("language", *STACK[1:5]))


def language_reason(lang: dict[str, Any], answers: dict[str, Any]) -> str:
    """The reason for the flowchart answer that picked the language, else its general one."""
    for name in FLOWCHART:
        if answers.get(name) and name in lang.get("reasons", {}):
            return str(lang["reasons"][name])
    return str(lang["reason"])


def report(q: Questionnaire, answers: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The recommendation as data: stack, flowchart path, reasons, overrides, pitfalls."""
    flow_only = {k: v for k, v in given.items() if k not in STACK}
    recommended = q.resolve(flow_only, strict=False)
    catalog = q.catalog
    lang = catalog["languages"][answers["language"]]
    labels = {
        "language": lang["label"],
        "framework": lang["frameworks"][answers["framework"]]["label"],
        "database": catalog["databases"][answers["database"]]["label"],
        "orm": lang["orms"][answers["orm"]]["label"],
        "queue": catalog["queues"][answers["queue"]]["label"],
    }
    reasons = {
        "language": language_reason(lang, answers),
        "framework": lang["frameworks"][answers["framework"]]["reason"],
        "database": catalog["databases"][answers["database"]]["reason"],
        "orm": lang["orms"][answers["orm"]]["reason"],
        "queue": catalog["queues"][answers["queue"]]["reason"],
        "cache": CACHE_REASON,
    }
    overridden = [k for k in STACK if k in given and given[k] != recommended.get(k)]
    for key in overridden:
        reasons[key] = f"your choice (the flowchart recommends {recommended[key]})"
    return {
        "stack": {k: answers[k] for k in STACK if k != "socketio" or q.asked("socketio", answers)},
        "labels": labels,
        "path": [
            {"question": q.questions[name].help, "answer": bool(answers[name])}
            for name in FLOWCHART
            if q.asked(name, answers)
        ],
        "reasons": reasons,
        "overridden": overridden,
        "refused": q.refusal(q.stack_of(answers)),
        "pitfalls": q.pitfalls(answers, given),
    }


def show(
    console: Console, q: Questionnaire, answers: dict[str, Any], given: dict[str, Any]
) -> None:
    data = report(q, answers, given)
    console.print("[bold]Path through the flowchart[/]")
    for step in data["path"]:
        console.print(
            f"  {step['question']} [cyan]{'yes' if step['answer'] else 'no'}[/]", highlight=False
        )
    table = Table("", "pick", "why", title="Recommended stack", title_justify="left")
    for key, label in data["labels"].items():
        table.add_row(key, label, data["reasons"][key])
    table.add_row("cache", "Redis", data["reasons"]["cache"])
    if q.asked("socketio", answers):
        table.add_row("socketio", "yes" if answers["socketio"] else "no", "real-time gateway")
    console.print(table)
    if data["refused"]:
        console.print(f"[yellow]This stack cannot be generated yet: {data['refused']}[/]")
