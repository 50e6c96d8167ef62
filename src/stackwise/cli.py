"""The `stackwise` command."""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
from rich.console import Console
from rich.table import Table

from stackwise import __version__, explain
from stackwise.matrix import covering_sample, pairwise_sample, read_report, tier
from stackwise.questionnaire import FLOWCHART, STACK, AnswerError, Questionnaire
from stackwise.render import RenderError, check_destination, copier_data, render, update

DEVELOPER = "Developer commands (for this repository and CI)"
# Imported when run or listed in --help: `stackwise new` does not load the smoke, bench and
# services machinery.
DEVELOPER_COMMANDS = {
    "smoke": "stackwise.smoke:smoke_command",
    "bench": "stackwise.bench:bench_command",
    "services": "stackwise.services.cli:app",
}


class _Commands(typer.core.TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *DEVELOPER_COMMANDS]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in DEVELOPER_COMMANDS:
            return super().get_command(ctx, name)
        module, _, attribute = DEVELOPER_COMMANDS[name].partition(":")
        target = getattr(importlib.import_module(module), attribute)
        if not isinstance(target, typer.Typer):  # a command function: an app of one command
            function, target = target, typer.Typer(rich_markup_mode="rich")
            target.command(name)(function)
        command = typer.main.get_command(target)
        command.name = name
        command.rich_help_panel = DEVELOPER  # type: ignore[attr-defined]
        return command


app = typer.Typer(
    cls=_Commands,
    help="Answer the technology-selection flowchart; get a backend service, wired up and tested.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _untyped_flags() -> None:
    """Typer prints a `<bool>` type beside every flag, --help included; a flag takes no
    value, so show none (typer's own hook for the type column, kept for other options)."""
    shown = typer.core.TyperOption.display_type_rich

    def display_type_rich(self: typer.core.TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    typer.core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_untyped_flags()
# Never wrap: a wrapped line splits the command or path a user would copy.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 1000)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 1000)


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
    """A flowchart answer as --name/--no-name, with copier.yml's question as its help."""
    return typer.Option(
        f"--{name.replace('_', '-')}/--no-{name.replace('_', '-')}",
        help=_FLOWCHART_HELP[name],
        show_default=False,
        metavar="",
        rich_help_panel="Flowchart",
    )


_FLOWCHART_HELP = {name: Questionnaire.load().questions[name].help for name in FLOWCHART}


def _switch(*names: str, help_text: str, panel: str | None = None) -> Any:
    """A boolean option shown without a type."""
    return typer.Option(
        *names, help=help_text, show_default=False, metavar="", rich_help_panel=panel
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


def _has_terminal() -> bool:
    return sys.stdin.isatty()


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


def _hint(q: Questionnaire, given: dict[str, Any], error: AnswerError) -> str:
    """When the flowchart's own language is not implemented, name languages that are."""
    if "language" in given or not str(error).startswith("language:"):
        return ""
    ready = sorted({stack.language for stack in q.implemented()})
    return f"; implemented today: {', '.join(ready)} (e.g. --language {ready[0]})" if ready else ""


@app.command()
def new(
    dest: Annotated[
        Path, typer.Argument(help="Directory to create (its name is the default project name)")
    ],
    name: Annotated[Str, typer.Option(help="Project name, if not the directory's name")] = None,
    defaults: Annotated[
        bool, _switch("--defaults", help_text="Take the flowchart's answers; ask nothing")
    ] = False,
    force: Annotated[
        bool,
        _switch(
            "--force", help_text="Allow a non-empty DEST (existing files are never overwritten)"
        ),
    ] = False,
    local_env: Annotated[
        bool,
        _switch(
            "--local-env",
            help_text="Also write .env for `stackwise services up` (starts them, creates "
            "the project's database), so `make setup migrate test run` works as printed",
        ),
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
        Bool,
        _switch("--socketio/--no-socketio", help_text="Socket.IO gateway (Node)", panel="Stack"),
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
    try:
        check_destination(dest, force=force)
        q = Questionnaire.load(template)
    except (RenderError, OSError) as error:
        raise fail(str(error)) from error
    given.setdefault("project_name", name or dest.resolve().name)
    interactive = not defaults
    if interactive and not _has_terminal():
        raise fail("no terminal to ask on: pass --defaults (and flags or --set) to answer")
    try:
        if interactive:  # a bad name is refused before any question is asked
            q.resolve({"project_name": given["project_name"]}, strict=False)
            given = _ask_interactively(q, given)
        answers = q.resolve(given)
    except AnswerError as error:
        raise fail(f"{error}{_hint(q, given, error)}") from error
    except KeyboardInterrupt as error:
        raise fail("cancelled; nothing was written") from error
    for warning in q.pitfalls(answers, given):
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
    if local_env:
        from stackwise import localenv

        try:
            localenv.write(dest, answers, q.catalog)
        except localenv.LocalEnvError as error:
            raise fail(f"{error} (the project is written; .env is not)") from error
        out.print(f"next: cd {dest} && make setup migrate test run", highlight=False)
        out.print("      (.env points at `stackwise services up`)", highlight=False)
        return
    out.print(NEXT_STEPS.format(dest=dest), highlight=False)


# The one way the next step is told (the generated README and Copier's message agree).
NEXT_STEPS = """next, with Docker:    cd {dest} && docker compose up --build
      without Docker: cd {dest} && cp .env.example .env, point its URLs at your services,
                      then make setup migrate test run
                      (or generate with --local-env to use `stackwise services up`)"""


def _ask_interactively(q: Questionnaire, given: dict[str, Any]) -> dict[str, Any]:
    """The flowchart, the recommendation and why, then overrides if wanted or needed."""
    given = _ask_flowchart(q, given)
    recommended = q.resolve(given, strict=False)
    explain.show(out, q, recommended, given)
    if all(k in given for k in STACK[:5]):
        return given
    if q.refusal(q.stack_of(recommended)):
        out.print("Choose among what is implemented:")
        return _ask_overrides(q, given)
    if _questionary().confirm("Use this stack?", default=True).unsafe_ask():
        return given
    return _ask_overrides(q, given)


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
    as_json: Annotated[bool, _switch("--json", help_text="Print JSON")] = False,
) -> None:
    """Walk the flowchart alone: the stack, the path taken and why, and pitfalls.

    Asks on a terminal for any flowchart answer not given as a flag.
    Example: [bold]stackwise recommend --no-realtime --ml-ai --json[/]
    """
    given = _given(locals())
    q = Questionnaire.load()
    given["project_name"] = "recommendation"
    try:
        if _has_terminal() and not as_json:
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
    implemented_only: Annotated[
        bool, _switch("--implemented", help_text="Only the stacks you can generate today")
    ] = False,
    language: Annotated[Str, typer.Option(help="Only this language's stacks")] = None,
    as_json: Annotated[bool, _switch("--json", help_text="Print JSON")] = False,
) -> None:
    """Every combination of the catalog: can it be generated, how CI proves it, its last smoke.

    `ci`: [bold]smoke[/] (the covering sample: own tests, contract, fuzzer, faults),
    [bold]build[/] (the pairwise sample: installed, built and linted), [bold]render[/]
    (rendered and checked without an install; `stackwise smoke --all` runs the rest), or
    why it is refused. `last smoke`: the
    latest result in the smoke report (`stackwise smoke`, `stackwise smoke --all`).
    Example: [bold]stackwise list --implemented --language python[/]
    """
    q = Questionnaire.load()
    languages = [c.value for c in q.questions["language"].choices(q.base_context())]
    if language is not None and language not in languages:
        raise fail(f"--language: {language!r} is not one of: {', '.join(languages)}")
    offered = q.implemented()
    sample = covering_sample(offered)
    built = pairwise_sample(offered, sample)
    report = read_report()
    rows: list[dict[str, Any]] = []
    for stack in q.combinations():
        if language and stack.language != language:
            continue
        refusal = "" if stack in offered else q.refusal(stack)
        if implemented_only and refusal:
            continue
        last = report.get(str(stack))
        rows.append(
            {
                "language": stack.language,
                "stack": str(stack),
                "implemented": not refusal,
                "ci": tier(stack, offered, sample, built),
                "refused": refusal,
                "last_smoke": None
                if last is None
                else {"ok": last.ok, "date": last.date, "commit": last.template_commit},
            }
        )
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("language", "stack", "ci", "last smoke")
    for row in rows:
        last = row["last_smoke"]
        table.add_row(
            row["language"],
            row["stack"],
            row["ci"] if row["implemented"] else "refused",
            "-" if last is None else f"{'pass' if last['ok'] else 'FAIL'} {last['date'][:10]}",
        )
    out.print(table)
    usable = sum(row["implemented"] for row in rows)
    smoked = sum(row["ci"] == "smoke" for row in rows)
    built = sum(row["ci"] == "build" for row in rows)
    out.print(
        f"{len(rows)} combinations listed, {usable} implemented (in CI: {smoked} "
        f"smoke-tested, {built} built and linted, {usable - smoked - built} rendered), "
        f"{len(rows) - usable} refused (`stackwise new` says why)",
        highlight=False,
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
