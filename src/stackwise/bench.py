"""Benchmark: the same bounded load on loopback against each stack, one table across stacks.

Figures only; nothing here passes or fails on a number. Uses wrk (Debian's package).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from stackwise import require_extra, toolchains
from stackwise.services.apt import install
from stackwise.smoke import Run, SmokeFailure, choose, free_port
from stackwise.stack import Stack

console = Console(stderr=True)
RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
LATENCY = re.compile(r"Latency\s+([\d.]+\w+)")


REQUESTS = re.compile(r"(\d+) requests in")
TICK = os.sysconf("SC_CLK_TCK")


def session_cpu(session: int) -> float:
    """CPU seconds (user and system) of the live processes in a session: the server's tree."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[3]) == session:  # field 6 of proc(5), counted after the comm field
            total += int(fields[11]) + int(fields[12])
    return total / TICK


@dataclass
class Load:
    """One wrk run: requests per second, mean latency, and the server's CPU per request."""

    rps: float
    latency: str
    cpu_us: float


def wrk(url: str, seconds: int, connections: int, session: int) -> Load:
    """A wrk run against url, and the CPU the server's session spent on it."""
    before = session_cpu(session)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    cpu = session_cpu(session) - before
    rps, latency, count = RPS.search(out), LATENCY.search(out), REQUESTS.search(out)
    requests = int(count.group(1)) if count else 0
    return Load(
        float(rps.group(1)) if rps else 0.0,
        latency.group(1) if latency else "?",
        cpu / requests * 1e6 if requests else 0.0,
    )


def start_bare(run: Run) -> tuple[subprocess.Popen[bytes], str]:
    """The framework's bare app (bare_apps/<language>/), built with the project's own
    toolchain and dependency versions and the bench's environment, on a free port."""
    try:
        command = toolchains.bare_app(run.stack.language, run.project, run.stack.framework)
    except subprocess.CalledProcessError as failure:
        raise SmokeFailure("bench", f"the bare app did not build:\n{failure.stderr}") from failure
    env = {**run.env, "PORT": str(free_port())}  # run.env holds the bench's environment
    log = run.project / ".smoke-bare.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            command,
            cwd=run.project,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        _wait_up(proc, f"{base}/health", log)
    except BaseException:
        Run.kill([proc])
        raise
    return proc, base


def _wait_up(proc: subprocess.Popen[bytes], url: str, log: Path, seconds: float = 300) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    tail = "\n".join(log.read_text().splitlines()[-30:])
    raise SmokeFailure("bench", f"the bare app did not answer {url}:\n{tail}")


def measure(
    stack: Stack, workdir: Path, seconds: int, connections: int, rounds: int
) -> dict[str, str]:
    """wrk on the stack's and a bare app's GET /health, alternately; then a cached item."""
    import httpx  # the test extra, imported when used so that the CLI runs without it

    run = Run(stack, workdir, lambda _: None)
    run.env.update(toolchains.bench_env(stack.language))  # setup builds what start() runs
    try:
        run.prepare()
        if run.has_target("build"):  # before start(), whose wait allows no compile
            run.step("build", ["make", "build"])
        procs = run.start()
        try:
            bare, bare_base = start_bare(run)
            procs.append(bare)
            base = f"http://127.0.0.1:{run.env['PORT']}"
            item = httpx.post(f"{base}/items", json={"name": "bench"}).json()["id"]
            deadline = time.monotonic() + 20
            while httpx.get(f"{base}/items/{item}").headers.get("x-cache") != "HIT":
                if time.monotonic() > deadline:
                    raise SmokeFailure("bench", "the item never became a cache HIT")
                time.sleep(0.2)
            health: list[Load] = []
            floor: list[Load] = []
            for i in range(rounds):
                pair = [(health, base, procs[0].pid), (floor, bare_base, bare.pid)]
                for samples, url, session in pair if i % 2 == 0 else pair[::-1]:
                    samples.append(wrk(f"{url}/health", seconds, connections, session))
            cached = wrk(f"{base}/items/{item}", seconds, connections, procs[0].pid)
        finally:
            Run.kill(procs)
    finally:
        run.drop_database()
        run.remove()
    rps = statistics.median(load.rps for load in health)
    bare_rps = statistics.median(load.rps for load in floor)
    cpu = statistics.median(load.cpu_us for load in health)
    bare_cpu = statistics.median(load.cpu_us for load in floor)
    return {
        "stack": str(stack),
        "health": f"{rps:,.0f}",
        "bare": f"{bare_rps:,.0f}",
        "ratio": f"{rps / bare_rps:.2f}",
        "cpu": f"{cpu:.1f} / {bare_cpu:.1f}",
        "cpu_ratio": f"{bare_cpu / cpu:.2f}" if cpu else "?",
        "health_latency": health[-1].latency,
        "cached": f"{cached.rps:,.0f}",
        "cached_latency": cached.latency,
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
    rounds: Annotated[int, typer.Option(help="Runs of each measurement (medians)")] = 5,
) -> None:
    """Requests per second on GET /health against a bare app of the same framework and server
    settings (alternating runs), and on a cached GET /items/{id}, per stack, on loopback.

    Example: [bold]stackwise bench fastapi/sqlalchemy/postgresql/rabbitmq --seconds 5[/]
    or [bold]stackwise bench --generate[/]
    """
    if generate:
        from stackwise.bench_generate import bench_generate

        bench_generate(rounds)
        return
    chosen = choose(stacks, all_)
    require_extra("test", "httpx")
    if not shutil.which("wrk"):
        install(["wrk"])
    workdir = Path(tempfile.mkdtemp(prefix="stackwise-bench-"))
    table = Table(
        Column("stack", no_wrap=True),
        "GET /health req/s",
        "bare app req/s",
        "ratio",
        "CPU µs/req (bare)",
        "CPU ratio",
        "latency",
        "cached GET /items/{id} req/s",
        "latency",
        title=f"wrk -t2 -c{connections} -d{seconds}s on loopback, /health medians of {rounds}",
    )
    for stack in chosen:
        console.print(f"benchmarking {stack} ...")
        try:
            row = measure(stack, workdir, seconds, connections, rounds)
        except SmokeFailure as failure:
            console.print(
                f"[red]{stack}: {failure.step} failed[/]\n{failure.output}",
                markup=True,
                highlight=False,
            )
            continue
        table.add_row(
            *(row[k] for k in ("stack", "health", "bare", "ratio", "cpu", "cpu_ratio")),
            row["health_latency"],
            row["cached"],
            row["cached_latency"],
        )
    Console(width=200).print(table)
