"""`stackwise services up|down|status`."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console

from stackwise.services.base import ServiceError, ServiceStatus, log
from stackwise.services.manager import NAMES, down, status, up

app = typer.Typer(
    help="Local services on 127.0.0.1 without Docker: " + ", ".join(NAMES) + ".",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)

Names = Annotated[
    list[str] | None,
    typer.Argument(help=f"Any of {', '.join(NAMES)} (default: all).", show_default=False),
]
STYLES = {"up": "green", "started": "green", "stopped": "yellow", "down": "dim", "error": "red"}


class _Progress(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"[dim]… {record.getMessage()}[/]", highlight=False, soft_wrap=True)


def _show_progress() -> None:
    log.handlers = [_Progress()]
    log.setLevel(logging.INFO)
    log.propagate = False


def _error(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)


def _call(action: Callable[[], dict[str, ServiceStatus]]) -> dict[str, ServiceStatus]:
    """Run `action`; a bad request (an unknown name, say) is one line and exit 2."""
    try:
        return action()
    except ServiceError as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc


def _report(action: Callable[[], dict[str, ServiceStatus]]) -> None:
    """Run `action`, print one line per service, and exit 1 after any error."""
    results = _call(action)
    width = max((len(r.url) for r in results.values()), default=0)
    for r in results.values():
        timing = f"  {r.seconds:.1f}s" if r.seconds else ""
        state = f"[{STYLES[r.state]}]{r.state}[/]"
        out.print(
            f"{r.name:<10}{r.port:<7}{r.url:<{width}}  {state}{timing}",
            highlight=False,
            soft_wrap=True,
        )
    failed = [r for r in results.values() if not r.ok]
    for r in failed:
        _error(f"{r.name}: {r.detail}")
    if failed:
        raise typer.Exit(1)


@app.command("up")
def up_command(names: Names = None) -> None:
    """Install what is missing, start what is down, wait until each answers."""
    _show_progress()
    _report(lambda: up(names, check=False))


@app.command("down")
def down_command(names: Names = None) -> None:
    """Stop the services."""
    _report(lambda: down(names))


@app.command("status")
def status_command(
    names: Names = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Which services answer, on which port, at which URL."""
    if as_json:
        results = _call(lambda: status(names))
        typer.echo(json.dumps({name: r.to_dict() for name, r in results.items()}, indent=2))
        return
    _report(lambda: status(names))


if __name__ == "__main__":
    app()
