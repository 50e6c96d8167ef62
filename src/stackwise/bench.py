"""Benchmark: the same bounded load on loopback against each stack, one table across stacks.

Figures only; nothing here passes or fails on a number. Uses wrk (Debian's package).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from stackwise import require_extra
from stackwise.questionnaire import Questionnaire
from stackwise.services.apt import install
from stackwise.smoke import Run, SmokeFailure, ci_sample, implemented
from stackwise.stack import Stack

console = Console(stderr=True)
RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
LATENCY = re.compile(r"Latency\s+([\d.]+\w+)")


def wrk(url: str, seconds: int, connections: int) -> tuple[float, str]:
    """Requests per second and mean latency of a wrk run against url."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps, latency = RPS.search(out), LATENCY.search(out)
    return (float(rps.group(1)) if rps else 0.0), (latency.group(1) if latency else "?")


def measure(stack: Stack, workdir: Path, seconds: int, connections: int) -> dict[str, str]:
    import httpx  # the test extra, imported when used so that the CLI runs without it

    run = Run(stack, workdir, lambda _: None)
    try:
        run.prepare()
        procs = run.start()
        try:
            base = f"http://127.0.0.1:{run.env['PORT']}"
            item = httpx.post(f"{base}/items", json={"name": "bench"}).json()["id"]
            deadline = time.monotonic() + 20
            while httpx.get(f"{base}/items/{item}").headers.get("x-cache") != "HIT":
                if time.monotonic() > deadline:
                    raise SmokeFailure("bench", "the item never became a cache HIT")
                time.sleep(0.2)
            health, health_latency = wrk(f"{base}/health", seconds, connections)
            cached, cached_latency = wrk(f"{base}/items/{item}", seconds, connections)
        finally:
            Run.kill(procs)
    finally:
        run.drop_database()
        run.remove()
    return {
        "stack": str(stack),
        "health": f"{health:,.0f}",
        "health_latency": health_latency,
        "cached": f"{cached:,.0f}",
        "cached_latency": cached_latency,
    }


def bench_command(
    stacks: Annotated[
        list[str] | None,
        typer.Argument(
            help="framework/orm/database/queue (default: CI's sample)", show_default=False
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every implemented stack")] = False,
    seconds: Annotated[int, typer.Option(help="Length of each load run")] = 5,
    connections: Annotated[int, typer.Option(help="Concurrent connections")] = 32,
    generate: Annotated[
        bool,
        typer.Option(
            "--generate",
            help="Instead: time stackwise new/update against copier copy/update of this "
            "template and of a bare one, interleaved",
        ),
    ] = False,
    rounds: Annotated[int, typer.Option(help="With --generate: runs of each command")] = 7,
) -> None:
    """Requests per second on GET /health and a cached GET /items/{id}, per stack, on loopback.

    Example: [bold]stackwise bench fastapi/sqlalchemy/postgresql/rabbitmq --seconds 5[/]
    or [bold]stackwise bench --generate[/]
    """
    if generate:
        from stackwise.bench_generate import bench_generate

        bench_generate(rounds)
        return
    require_extra("test", "httpx")
    if not shutil.which("wrk"):
        install(["wrk"])
    catalog = Questionnaire.load().catalog
    parsed = [Stack.parse(text, catalog) for text in stacks or []]
    chosen = implemented() if all_ else (parsed or ci_sample())
    workdir = Path(tempfile.mkdtemp(prefix="stackwise-bench-"))
    table = Table(
        "stack",
        "GET /health req/s",
        "latency",
        "cached GET /items/{id} req/s",
        "latency",
        title=f"wrk -t2 -c{connections} -d{seconds}s on loopback",
    )
    for stack in chosen:
        console.print(f"benchmarking {stack} ...")
        try:
            row = measure(stack, workdir, seconds, connections)
        except SmokeFailure as failure:
            console.print(
                f"[red]{stack}: {failure.step} failed[/]\n{failure.output}",
                markup=True,
                highlight=False,
            )
            continue
        table.add_row(
            row["stack"], row["health"], row["health_latency"], row["cached"], row["cached_latency"]
        )
    Console(width=140).print(table)
