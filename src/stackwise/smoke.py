"""Smoke harness: render a stack, build, lint, test it, run it, hold it to the contract, stop it.

One stack is `framework/orm/database/queue`. Each run is isolated: its own database,
its own QUEUE_PREFIX (which also prefixes its Redis keys), its own port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from stackwise import fuzz, require_extra, toolchains
from stackwise.matrix import Entry, covering_sample, pairwise_sample, record
from stackwise.questionnaire import Questionnaire, template_root
from stackwise.render import copier_data, render
from stackwise.services import up as services_up
from stackwise.services import urls as service_urls
from stackwise.stack import Stack, StackError

# What the contract suite imports (the `test` extra).
CONTRACT_MODULES = ("pytest", "httpx", "redis", "pika", "kafka", "psycopg", "pymongo")
STOP_TIMEOUT_SECONDS = 10
STEP_TIMEOUT_SECONDS = 900

console = Console(stderr=True)


class SmokeFailure(RuntimeError):
    def __init__(self, step: str, output: str) -> None:
        super().__init__(f"{step} failed")
        self.step = step
        self.output = output


@dataclass
class Result:
    stack: str
    ok: bool
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    failed_step: str = ""
    output: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(text: str, lines: int = 80) -> str:
    return "\n".join(text.splitlines()[-lines:])


class Run:
    """One smoke run of one stack in its own directory."""

    def __init__(self, stack: Stack, workdir: Path, log: Callable[[str], None]) -> None:
        self.stack = stack
        self.catalog = Questionnaire.load().catalog
        self.token = uuid.uuid4().hex[:8]
        self.project = workdir / f"sw-{stack.framework}-{self.token}"
        self.log = log
        self.steps: dict[str, float] = {}
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        urls = service_urls()
        db_name = f"sw_{self.token}"
        server = urls[self.database_service].rstrip("/")
        if self.stack.database == "postgresql":  # the URL names the admin database
            server = server.rsplit("/", 1)[0]
        database_url = f"{server}/{db_name}"
        env = {
            **os.environ,
            "PORT": str(free_port()),
            "DATABASE_URL": database_url,
            "DB_POOL_MIN": "2",
            "DB_POOL_MAX": "5",
            "DB_POOL_TIMEOUT_SECONDS": "5",
            "REDIS_URL": urls["redis"],
            "CACHE_TTL_SECONDS": "60",
            "QUEUE_PREFIX": f"sw-{self.token}",
            "LOG_LEVEL": "info",
        }
        framework = self.catalog["languages"][self.stack.language]["frameworks"][
            self.stack.framework
        ]
        for secret in framework.get("secrets", []):  # a fresh one per run
            env[secret] = uuid.uuid4().hex + uuid.uuid4().hex
        queue = self.catalog["queues"][self.stack.queue]
        for variable in queue["env"]:
            env[variable] = urls[queue["service"]]
        return toolchains.environment(self.stack.language, env)

    @property
    def database_service(self) -> str:
        return str(self.catalog["databases"][self.stack.database]["service"])

    @property
    def services(self) -> list[str]:
        return [self.database_service, "redis", self.catalog["queues"][self.stack.queue]["service"]]

    def step(
        self,
        name: str,
        command: list[str],
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> str:
        started = time.perf_counter()
        self.log(f"  {name} ...")
        try:
            proc = subprocess.run(
                command,
                cwd=cwd or self.project,
                env=env or self.env,
                capture_output=True,
                text=True,
                timeout=STEP_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise SmokeFailure(
                name, f"timed out after {STEP_TIMEOUT_SECONDS}s\n{error.output}"
            ) from error
        self.steps[name] = time.perf_counter() - started
        output = proc.stdout + proc.stderr
        if proc.returncode != 0:
            raise SmokeFailure(name, f"exit {proc.returncode}: {' '.join(command)}\n{output}")
        self.log(f"  {name} ok ({self.steps[name]:.1f}s)")
        return output

    def prepare(self) -> None:
        """Services up, render, own database, `make setup`, `make migrate`."""
        services_up(self.services)
        self.render()
        self.create_database()
        self.step("setup", ["make", "setup"])
        self.step("migrate", ["make", "migrate"])

    def render(self) -> None:
        started = time.perf_counter()
        q = Questionnaire.load()
        data = {"project_name": self.project.name, **self.stack.answers()}
        render(self.project, copier_data(q.resolve(data), q.public_names()))
        self.steps["render"] = time.perf_counter() - started
        self.log(f"  render ok ({self.steps['render']:.2f}s)")

    def create_database(self) -> None:
        if self.stack.database == "postgresql":
            admin = service_urls()["postgres"]
            name = self.env["DATABASE_URL"].rsplit("/", 1)[1]
            self.step("create database", ["psql", admin, "-qc", f'CREATE DATABASE "{name}"'])

    def remove(self) -> None:
        shutil.rmtree(self.project, ignore_errors=True)

    def drop_database(self) -> None:
        if self.stack.database == "postgresql":
            admin = service_urls()["postgres"]
            name = self.env["DATABASE_URL"].rsplit("/", 1)[1]
            subprocess.run(
                ["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                capture_output=True,
                check=False,
            )

    def has_target(self, target: str) -> bool:
        makefile = (self.project / "Makefile").read_text()
        return any(line.startswith(f"{target}:") for line in makefile.splitlines())

    @property
    def has_worker(self) -> bool:
        """Whether the project runs its consumer as a separate `make worker` process."""
        return self.has_target("worker")

    def start(self, **overrides: str) -> list[subprocess.Popen[bytes]]:
        """`make run` (and `make worker`, if any), each in its own session; waits for /health."""
        env = {**self.env, **overrides}
        targets = ["run", "worker"] if self.has_worker else ["run"]
        procs = []
        for target in targets:
            with (self.project / f".smoke-{target}.log").open("w") as sink:
                procs.append(
                    subprocess.Popen(
                        ["make", target],
                        cwd=self.project,
                        env=env,
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        try:
            self._wait_healthy(procs, env["PORT"])
        except BaseException:
            self.kill(procs)
            raise
        return procs

    def logs(self) -> str:
        return "\n".join(
            f"--- make {log.stem.removeprefix('.smoke-')} ---\n{_tail(log.read_text())}"
            for log in sorted(self.project.glob(".smoke-*.log"))
        )

    @staticmethod
    def kill(procs: list[subprocess.Popen[bytes]]) -> None:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def serve_and_check(self) -> None:
        """make run, the contract suite against it, then SIGTERM and a clean exit."""
        procs = self.start()
        try:
            self._wait_ready()
            contract_env = {
                **self.env,
                # Each process has its own pool bounded by DB_POOL_MAX; the suite counts them all.
                "CONTRACT_PROCESSES": str(len(procs)),
                "CONTRACT_BASE_URL": f"http://127.0.0.1:{self.env['PORT']}",
                "CONTRACT_SERVICE_DIR": str(self.project),
                "CONTRACT_RUN_CMD": "make run",
            }
            suite = template_root() / "tests" / "contract"
            checked = self.step(
                "contract",
                [sys.executable, "-m", "pytest", str(suite), "-q", "-rs", "-p", "no:cacheprovider"],
                cwd=template_root(),
                env=contract_env,
            )
            # Smoke gives the suite everything it needs: a skipped check is one not proven.
            summary = checked.strip().splitlines()[-1]
            if "skipped" in summary:
                raise SmokeFailure("contract", f"some checks were skipped: {summary}\n{checked}")
            self.log(f"  contract: {summary.strip('= ')}")
            fuzzed = self.step(
                "fuzz", fuzz.command(contract_env["CONTRACT_BASE_URL"]), cwd=template_root()
            )
            self.log(f"  {fuzzed.strip().splitlines()[-1]}")
            self.stop(procs)
        finally:
            self.kill(procs)

    def _wait_healthy(self, procs: list[subprocess.Popen[bytes]], port: str) -> None:
        """Wait for GET /health to answer 200 (90 s: first starts may compile or migrate)."""
        import httpx  # the test extra, imported when used so that the CLI runs without it

        started = time.perf_counter()
        while time.perf_counter() < started + 90:
            if any(proc.poll() is not None for proc in procs):
                raise SmokeFailure("start", f"a process exited\n{self.logs()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    self.steps["start"] = time.perf_counter() - started
                    self.log(f"  start ok ({self.steps['start']:.1f}s)")
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SmokeFailure("start", f"/health did not answer 200 within 90s\n{self.logs()}")

    def _wait_ready(self, seconds: float = 30) -> None:
        """Give the service up to `seconds` to reach every dependency (the broker connection
        is made in the background), so the contract starts from a settled service."""
        import httpx

        url = f"http://127.0.0.1:{self.env['PORT']}/ready"
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            try:
                resp = httpx.get(url, timeout=2)
                if resp.status_code == 200 and set(resp.json()["checks"].values()) == {"ok"}:
                    return
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            time.sleep(0.2)

    def stop(self, procs: list[subprocess.Popen[bytes]]) -> None:
        """SIGTERM the program each make target runs, as an orchestrator would; exit 0."""
        started = time.perf_counter()
        for proc in procs:
            os.kill(_program_pid(proc.pid), signal.SIGTERM)
        for proc in procs:
            try:
                code = proc.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired as error:
                raise SmokeFailure(
                    "sigterm", f"still running {STOP_TIMEOUT_SECONDS}s after SIGTERM\n{self.logs()}"
                ) from error
            if code != 0:
                raise SmokeFailure("sigterm", f"exit {code} after SIGTERM\n{self.logs()}")
        self.steps["sigterm"] = time.perf_counter() - started
        self.log(f"  sigterm ok ({self.steps['sigterm']:.1f}s, exit 0)")


def entry(result: Result) -> Entry:
    """A result as a row of the smoke report."""
    return Entry(
        result.stack,
        result.ok,
        round(result.seconds, 1),
        result.failed_step,
        {k: round(v, 2) for k, v in result.steps.items()},
    )


def _program_pid(make_pid: int) -> int:
    """The program `make` started for the target (e.g. `uv run …`), which forwards signals."""
    try:
        children = Path(f"/proc/{make_pid}/task/{make_pid}/children").read_text().split()
    except OSError:
        return make_pid
    return int(children[0]) if children else make_pid


def smoke(
    stack: Stack, workdir: Path, *, keep: bool = False, log: Callable[[str], None] = console.print
) -> Result:
    """Tier 3, every smoke step for one stack; never raises for a failing step."""

    def steps(run: Run) -> None:
        run.prepare()
        run.step("lint", ["make", "lint"])
        run.step("migrate again", ["make", "migrate"])
        run.step("own tests", ["make", "test"])
        run.serve_and_check()

    return _run(stack, workdir, steps, keep=keep, log=log)


def build(
    stack: Stack, workdir: Path, *, keep: bool = False, log: Callable[[str], None] = console.print
) -> Result:
    """Tier 2: render, `make setup` (install from the shared caches, build) and `make lint`."""

    def steps(run: Run) -> None:
        run.render()
        # Niced: tier 2 shares the cores with tier 3, whose fault tests time their answers.
        run.step("setup", ["nice", "-n", "10", "make", "setup"])
        run.step("lint", ["nice", "-n", "10", "make", "lint"])

    return _run(stack, workdir, steps, keep=keep, log=log)


def _run(
    stack: Stack,
    workdir: Path,
    steps: Callable[[Run], None],
    *,
    keep: bool,
    log: Callable[[str], None],
) -> Result:
    started = time.perf_counter()
    run = Run(stack, workdir, log)
    log(f"[bold]{stack}[/] in {run.project}")
    try:
        steps(run)
        result = Result(str(stack), True, time.perf_counter() - started, run.steps)
    except SmokeFailure as failure:
        result = Result(
            str(stack),
            False,
            time.perf_counter() - started,
            run.steps,
            failure.step,
            _tail(failure.output, 120),
        )
    finally:
        run.drop_database()
        if not keep:
            run.remove()
    return result


def implemented() -> list[Stack]:
    return Questionnaire.load().implemented()


def ci_sample() -> list[Stack]:
    """Tier 3 in CI: the covering sample of the implemented stacks."""
    return covering_sample(implemented())


def ci_builds() -> list[Stack]:
    """Tier 2 in CI: the pairwise sample beyond the smoke sample, which smoke builds."""
    return pairwise_sample(implemented(), ci_sample())


def choose(stacks: list[str] | None, all_: bool) -> list[Stack]:
    """The stacks a developer command was given (every one with `all_`, else CI's sample);
    a malformed or unimplemented one is a one-line error and exit 1."""
    q = Questionnaire.load()
    offered = q.implemented()
    try:
        parsed = [Stack.parse(text, q.catalog) for text in stacks or []]
    except StackError as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(1) from error
    unknown = [str(s) for s in parsed if s not in offered]
    if unknown:
        console.print(
            f"[bold red]error:[/] not an implemented stack: {', '.join(unknown)} "
            "(see: stackwise list)",
            highlight=False,
        )
        raise typer.Exit(1)
    return offered if all_ else (parsed or covering_sample(offered))


def smoke_command(
    stacks: Annotated[
        list[str] | None,
        typer.Argument(
            help="framework/orm/database/queue[+socketio], "
            "e.g. fastapi/sqlalchemy/postgresql/rabbitmq",
            show_default=False,
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every implemented stack, recorded in the report")
    ] = False,
    keep: Annotated[bool, typer.Option(help="Keep the rendered projects")] = False,
    workdir: Annotated[
        Path | None, typer.Option(help="Where to render (default: a temp dir)")
    ] = None,
) -> None:
    """Render, build, lint, test, serve and contract-check stacks against local services.

    Without arguments it runs CI's covering sample. Every result is merged into the smoke
    report (JSON: stack, template commit, date, step timings, pass or fail;
    $STACKWISE_REPORT, default ~/.cache/stackwise/smoke-report.json), which
    `stackwise list` shows.
    Example: [bold]stackwise smoke fastapi/sqlalchemy/postgresql/rabbitmq[/]
    """
    chosen = choose(stacks, all_)
    require_extra("test", *CONTRACT_MODULES)
    base = workdir or Path(tempfile.mkdtemp(prefix="stackwise-smoke-"))
    results = []
    for stack in chosen:
        results.append(smoke(stack, base, keep=keep))
        record([entry(results[-1])], template_root())
    for r in results:
        mark = "[green]pass[/]" if r.ok else f"[red]FAIL at {r.failed_step}[/]"
        console.print(f"{mark} {r.stack} {r.seconds:.0f}s")
        if not r.ok:
            console.print(r.output, markup=False, highlight=False)
    if not all(r.ok for r in results):
        raise typer.Exit(1)
