"""The `stackwise` command."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from stackwise import __version__, explain
from stackwise.bench import bench_command
from stackwise.questionnaire import FLOWCHART, STACK, AnswerError, Questionnaire
from stackwise.render import RenderError, copier_data, render, update
from stackwise.services.cli import app as services_app
from stackwise.smoke import CI_SAMPLE, smoke_command

app = typer.Typer(
    help="Answer the technology-selection flowchart; get a backend service, wired up and tested.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
app.add_typer(services_app, name="services")
app.command("smoke")(smoke_command)
app.command("bench")(bench_command)
out = Console()
err = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        out.print(f"stackwise {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit"
        ),
    ] = False,
) -> None:
    pass


def fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


def _flag(name: str) -> Any:
    return typer.Option(
        f"--{name.replace('_', '-')}/--no-{name.replace('_', '-')}",
        show_default=False,
        rich_help_panel="Flowchart",
    )


def _choice(help_text: str) -> Any:
    return typer.Option(help=help_text, show_default=False, rich_help_panel="Stack")


Bool = bool | None
Str = str | None


def _given(flags: dict[str, Any], sets: Sequence[str] = ()) -> dict[str, Any]:
    """The flowchart and stack answers among a command's parameters (`locals()`; unset
    ones left out), then its --set items."""
    given = {k: flags[k] for k in (*FLOWCHART, *STACK) if flags.get(k) is not None}
    for item in sets:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"--set expects key=value, got {item!r}")
        given[key.strip()] = value
    return given


def _questionary() -> Any:
    """questionary, imported only when asking: it is slow to import."""
    import questionary

    return questionary


def _ask_flowchart(q: Questionnaire, given: dict[str, Any]) -> dict[str, Any]:
    questionary = _questionary()
    answers = dict(given)
    for name in FLOWCHART:
        if name in answers or not q.asked(name, answers):
            continue
        answer = questionary.confirm(
            q.questions[name].help, default=bool(q.questions[name].default(answers))
        ).unsafe_ask()
        answers[name] = answer
    return answers


def _ask_overrides(q: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """Let the user change any stack choice, offering only the compatible ones."""
    questionary = _questionary()
    given = {k: v for k, v in answers.items() if k not in STACK}
    for name in STACK:
        context = {**q.base_context(), **q.resolve(given, strict=False)}
        question = q.questions[name]
        if not question.when(context):
            continue
        current = context[name]
        if question.type == "bool":
            given[name] = questionary.confirm(question.help, default=bool(current)).unsafe_ask()
            continue
        choices = [
            questionary.Choice(c.label, value=c.value, disabled=c.disabled or None)
            for c in question.choices(context)
        ]
        enabled = [c.value for c in choices if not c.disabled]
        if not enabled:
            raise fail(
                f"no implemented {name} for {explain.stack_line(context)} (see: stackwise list)"
            )
        default = current if current in enabled else enabled[0]
        given[name] = questionary.select(
            question.help, choices=choices, default=default
        ).unsafe_ask()
    return given


def _hint(q: Questionnaire, given: dict[str, Any]) -> str:
    """When the flowchart's own pick is what is missing, name languages that work today."""
    if "language" in given:
        return ""
    ready = sorted({lang for lang, stack in q.combinations() if stack in q.catalog["implemented"]})
    return f"; implemented today: {', '.join(ready)} (e.g. --language {ready[0]})" if ready else ""


@app.command()
def new(
    dest: Annotated[
        Path, typer.Argument(help="Directory to create (its name is the default project name)")
    ],
    name: Annotated[Str, typer.Option(help="Project name, if not the directory's name")] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Take the flowchart's answers; ask nothing")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Allow a non-empty DEST (existing files are never overwritten)")
    ] = False,
    set_: Annotated[
        list[str], typer.Option("--set", help="Any question as key=value (repeatable)")
    ] = [],  # noqa: B006
    realtime: Annotated[Bool, _flag("realtime")] = None,
    ml_ai: Annotated[Bool, _flag("ml_ai")] = None,
    max_performance: Annotated[Bool, _flag("max_performance")] = None,
    high_concurrency: Annotated[Bool, _flag("high_concurrency")] = None,
    acid: Annotated[Bool, _flag("acid")] = None,
    flexible_schema: Annotated[Bool, _flag("flexible_schema")] = None,
    high_throughput_events: Annotated[Bool, _flag("high_throughput_events")] = None,
    language: Annotated[Str, _choice("python, node, go or rust")] = None,
    framework: Annotated[Str, _choice("e.g. fastapi, nestjs, gin, axum")] = None,
    database: Annotated[Str, _choice("postgresql or mongodb")] = None,
    orm: Annotated[Str, _choice("e.g. sqlalchemy, drizzle, pgx, sqlx")] = None,
    queue: Annotated[Str, _choice("rabbitmq or kafka")] = None,
    socketio: Annotated[
        Bool, typer.Option("--socketio/--no-socketio", show_default=False, rich_help_panel="Stack")
    ] = None,
    template: Annotated[
        Path | None, typer.Option(help="Template checkout (default: this one)")
    ] = None,
    vcs_ref: Annotated[Str, typer.Option(help="Template git ref (default: HEAD)")] = "HEAD",
) -> None:
    """Generate a service: the flowchart recommends, you override, Copier renders.

    Example: [bold]stackwise new my-svc --defaults --language python[/]
    """
    given = _given(locals(), set_)
    q = Questionnaire.load(template)
    given.setdefault("project_name", name or dest.resolve().name)
    interactive = not defaults
    if interactive and not sys.stdin.isatty():
        raise fail("no terminal to ask on: pass --defaults (and flags or --set) to answer")
    try:
        q.resolve({"project_name": given["project_name"]}, strict=False)
        if interactive:
            given = _ask_flowchart(q, given)
            explain.show(out, q, q.resolve(given, strict=False), given)
            if (
                not all(k in given for k in STACK[:5])
                and not _questionary().confirm("Use this stack?", default=True).unsafe_ask()
            ):
                given = _ask_overrides(q, given)
        answers = q.resolve(given)
    except AnswerError as error:
        raise fail(f"{error}{_hint(q, given)}") from error
    except KeyboardInterrupt as error:
        raise fail("cancelled; nothing was written") from error
    for warning in q.pitfalls(answers):
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    started = time.perf_counter()
    try:
        files = render(
            dest,
            copier_data(answers, q.public_names()),
            force=force,
            template=template,
            vcs_ref=vcs_ref,
        )
    except RenderError as error:
        raise fail(str(error)) from error
    out.print(
        f"[green]created[/] {dest} ({len(files)} files, {explain.stack_line(answers)}) "
        f"in {time.perf_counter() - started:.2f}s",
        highlight=False,
    )
    out.print(
        f"next: cd {dest} && make setup migrate test run   (or: docker compose up)", highlight=False
    )


@app.command()
def recommend(
    realtime: Annotated[Bool, _flag("realtime")] = None,
    ml_ai: Annotated[Bool, _flag("ml_ai")] = None,
    max_performance: Annotated[Bool, _flag("max_performance")] = None,
    high_concurrency: Annotated[Bool, _flag("high_concurrency")] = None,
    acid: Annotated[Bool, _flag("acid")] = None,
    flexible_schema: Annotated[Bool, _flag("flexible_schema")] = None,
    high_throughput_events: Annotated[Bool, _flag("high_throughput_events")] = None,
    language: Annotated[Str, _choice("override: python, node, go or rust")] = None,
    framework: Annotated[Str, _choice("override the framework")] = None,
    database: Annotated[Str, _choice("override: postgresql or mongodb")] = None,
    orm: Annotated[Str, _choice("override the ORM")] = None,
    queue: Annotated[Str, _choice("override: rabbitmq or kafka")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Walk the flowchart alone: the stack, the path taken and why, and pitfalls.

    Asks on a terminal for any flowchart answer not given as a flag.
    Example: [bold]stackwise recommend --no-realtime --ml-ai --json[/]
    """
    given = _given(locals())
    q = Questionnaire.load()
    given["project_name"] = "recommendation"
    try:
        if sys.stdin.isatty() and not as_json:
            given = _ask_flowchart(q, given)
        answers = q.resolve(given, strict=False)
    except AnswerError as error:
        raise fail(str(error)) from error
    report = explain.report(q, answers, given)
    if as_json:
        out.print_json(json.dumps(report))
    else:
        explain.show(out, q, answers, given)
        for warning in report["pitfalls"]:
            out.print(f"[yellow]warning:[/] {warning}", highlight=False)


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Every combination of the catalog, whether it is implemented, and how it is smoke-tested.

    `sample`: in the covering sample that `pytest` and `stackwise smoke` run by default;
    `all`: run by `stackwise smoke --all` (and by CI while every implemented stack fits).
    Example: [bold]stackwise list[/]
    """
    q = Questionnaire.load()
    implemented = q.catalog["implemented"]
    rows: list[dict[str, Any]] = [
        {
            "language": language,
            "stack": stack,
            "implemented": stack in implemented,
            "smoke": "sample" if stack in CI_SAMPLE else "all" if stack in implemented else None,
        }
        for language, stack in q.combinations()
    ]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("language", "framework/orm/database/queue", "implemented", "smoke")
    for row in rows:
        table.add_row(
            row["language"], row["stack"], "yes" if row["implemented"] else "-", row["smoke"] or "-"
        )
    out.print(table)
    out.print(
        f"{len(rows)} combinations, {len(implemented)} implemented; "
        "`stackwise smoke --all` runs every implemented one"
    )


@app.command("update")
def update_(
    directory: Annotated[
        Path, typer.Argument(help="Generated project (a clean git work tree)")
    ] = Path("."),
    set_: Annotated[
        list[str],
        typer.Option("--set", help="Switch an answer, e.g. queue=kafka (repeatable)"),
    ] = [],  # noqa: B006
    vcs_ref: Annotated[
        Str,
        typer.Option(
            help="Template version to update to (default: the latest tag; with --set: the "
            "project's own)"
        ),
    ] = None,
) -> None:
    """Pull template changes into a generated project, or switch a component, keeping your edits.

    Runs `copier update`. With --set the project is re-rendered with the new answer:
    files only the old choice had are removed, the rest keep your edits. A combination the
    catalog refuses is refused before anything is touched. Conflicts are left as inline
    markers and listed.
    Example: [bold]cd my-svc && stackwise update --set queue=kafka[/]
    """
    try:
        result = update(directory, vcs_ref=vcs_ref, sets=_given({}, set_))
    except RenderError as error:
        raise fail(str(error)) from error
    for path in result.removed:
        out.print(f"removed {path}", highlight=False)
    if result.conflicts:
        err.print(
            f"[yellow]updated with conflicts in {len(result.conflicts)} file(s); "
            "resolve the markers:[/]"
        )
        for path in result.conflicts:
            err.print(f"  {path}", highlight=False)
        raise typer.Exit(2)
    out.print("[green]updated[/]; review with `git diff` and commit")


if __name__ == "__main__":
    app()
