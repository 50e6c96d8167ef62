"""`stackwise bench --generate`: generation and update timed beside bare Copier, interleaved.

Each round runs every contender once, in a rotating order, so that a busy machine slows
them alike; the table gives medians and the ratio to the bare template. The bare template
has the same files as a generated project, byte for byte, copied verbatim (no Jinja) and
one question: what any Copier template of that size costs. Every template is read from a
plain directory, as the installed wheel reads its own; updates go between two git tags.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from stackwise.questionnaire import template_root

ANSWERS = ["--defaults", "--ml-ai"]  # stackwise new; plain Copier gets the same as --data
COPIER = [sys.executable, "-m", "copier"]
# Copier compiles a template string anew on every render (each question's default,
# choices, `when` and validator, each path part, several times a run). This is plain
# Copier with compiled templates kept per environment: the change stackwise's own worker
# makes (render._CompiledOnce), measured on Copier's CLI as the change to propose upstream.
COPIER_WITH_TEMPLATE_CACHE = [
    sys.executable,
    "-c",
    """
import jinja2
from_string = jinja2.Environment.from_string
compiled = {}

def cached(self, source, globals=None, template_class=None):
    if not isinstance(source, str) or globals or template_class:
        return from_string(self, source, globals, template_class)
    key = (id(self), source)
    if key not in compiled:
        compiled[key] = from_string(self, source)
    return compiled[key]

jinja2.Environment.from_string = cached
from copier._cli import CopierApp
CopierApp.run()
""",
]
STACKWISE = [sys.executable, "-m", "stackwise.cli"]
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]


@dataclass
class Contender:
    name: str
    run: Callable[[Path], list[str]]  # a fresh directory -> the command to time there
    prepare: Callable[[Path], None] = lambda _: None  # untimed set-up in that directory


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (the command's and its children's) of one run."""
    started, cpu = time.perf_counter(), _cpu()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started, _cpu() - cpu
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return elapsed


def _git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def _commit_tag(repo: Path, tag: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", tag)
    _git(repo, "tag", tag)


def _export(dest: Path) -> Path:
    """This template as a plain directory (what the wheel ships)."""
    root = template_root()
    dest.mkdir(parents=True)
    shutil.copy2(root / "copier.yml", dest / "copier.yml")
    for name in ("template", "partials"):
        shutil.copytree(root / name, dest / name)
    return dest


def _bare(project: Path, dest: Path) -> Path:
    """A template of the same files as `project`, verbatim, with one question."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns(".git", ".copier-answers.yml"))
    (dest / "copier.yml").write_text(
        "_answers_file: .copier-answers.yml\nproject_name:\n  type: str\n  default: svc\n"
    )
    (dest / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers | to_nice_yaml -}}\n"
    )
    return dest


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def _installed(checkout: Path, work: Path, env: dict[str, str]) -> Path | None:
    """stackwise as a user installs it: this checkout's wheel in a fresh virtual
    environment, byte-compiled as pip does; its `stackwise`, or None without a checkout."""
    if not (checkout / "pyproject.toml").is_file():
        return None
    work.mkdir(parents=True)
    _run(
        [*_uv(), "build", "-q", "--wheel", "--out-dir", str(work / "dist"), str(checkout)],
        work,
        env,
    )
    _run([*_uv(), "venv", "-q", str(work / "venv")], work, env)
    wheel = next((work / "dist").glob("*.whl"))
    python = str(work / "venv" / "bin" / "python")
    _run(
        [*_uv(), "pip", "install", "-q", "--compile-bytecode", "--python", python, str(wheel)],
        work,
        env,
    )
    return work / "venv" / "bin" / "stackwise"


def _release_two(repo: Path, ignore: Path) -> None:
    """Tag v1.0.0, then v1.1.0 with one line more in the generated .gitignore."""
    _git(repo, "init", "-q")
    _commit_tag(repo, "v1.0.0")
    ignore.write_text(ignore.read_text() + ".bench-cache/\n")
    _commit_tag(repo, "v1.1.0")


def measure(rounds: int, log: Callable[[str], None]) -> tuple[Table, Table]:
    work = Path(tempfile.mkdtemp(prefix="stackwise-bench-generate-"))
    # stackwise's compiled-template cache: its own here, warmed by the sample's render
    env = {
        **os.environ,
        "STACKWISE_TEMPLATE": str(work / "stackwise"),
        "STACKWISE_CACHE": str(work / "cache"),
    }
    env.pop("STACKWISE_TEMPLATE_URL", None)
    try:
        plain = _export(work / "stackwise")
        sample = work / "sample"
        _run([*STACKWISE, "new", str(sample / "svc"), *ANSWERS], work, env)
        bare = _bare(sample / "svc", work / "bare")
        files = sum(1 for p in (sample / "svc").rglob("*") if p.is_file())
        checkout = shutil.copytree(plain, work / "checkout")
        _git(checkout, "init", "-q")
        _commit_tag(checkout, "v1.0.0")
        copy = [
            Contender("stackwise new", lambda d: [*STACKWISE, "new", str(d / "svc"), *ANSWERS]),
            Contender(
                "stackwise new, cold (an empty compiled-template cache)",
                lambda d: [
                    "env",
                    f"STACKWISE_CACHE={d / 'cache'}",
                    *STACKWISE,
                    "new",
                    str(d / "svc"),
                    *ANSWERS,
                ],
            ),
        ]
        installed = _installed(template_root(), work / "install", env)
        if installed is not None:
            copy.append(
                Contender(
                    "stackwise new, first run after installing the wheel (its compiled seed)",
                    lambda d: [
                        "env",
                        "-u",
                        "STACKWISE_TEMPLATE",
                        f"STACKWISE_CACHE={d / 'cache'}",
                        str(installed),
                        "new",
                        str(d / "svc"),
                        *ANSWERS,
                    ],
                )
            )
        copy += [
            Contender(
                "stackwise new (from a git checkout: Copier clones it)",
                lambda d: [
                    *STACKWISE,
                    "new",
                    str(d / "svc"),
                    *ANSWERS,
                    "--template",
                    str(checkout),
                ],
            ),
            Contender(
                "copier copy (this template)",
                lambda d: [
                    *COPIER,
                    "copy",
                    "-q",
                    "--defaults",
                    "-d",
                    "ml_ai=true",
                    str(plain),
                    str(d / "svc"),
                ],
            ),
            Contender(
                "copier copy (this template), Copier caching compiled templates",
                lambda d: [
                    *COPIER_WITH_TEMPLATE_CACHE,
                    "copy",
                    "-q",
                    "--defaults",
                    "-d",
                    "ml_ai=true",
                    str(plain),
                    str(d / "svc"),
                ],
            ),
            Contender(
                "copier copy (bare template)",
                lambda d: [*COPIER, "copy", "-q", "--defaults", str(bare), str(d / "svc")],
            ),
        ]
        log(f"copy: {files} files, {rounds} rounds")
        copy_table = _table(
            f"generate a project ({files} files), {rounds} rounds",
            _rounds(copy, rounds, work / "copy", env),
            "copier copy (bare template)",
        )

        # Updates: each template as a git repository with two tags, each project generated
        # from the first tag and committed, copied afresh for every timed update.
        upstream = shutil.copytree(plain, work / "upstream")
        _release_two(upstream, upstream / "template" / "python" / ".gitignore")
        bare_upstream = shutil.copytree(bare, work / "bare-upstream")
        _release_two(bare_upstream, bare_upstream / ".gitignore")
        projects = work / "projects"
        _run(
            [
                *STACKWISE,
                "new",
                str(projects / "svc"),
                *ANSWERS,
                "--template",
                str(upstream),
                "--vcs-ref",
                "v1.0.0",
            ],
            work,
            env,
        )
        _run(
            [
                *COPIER,
                "copy",
                "-q",
                "--defaults",
                "--vcs-ref",
                "v1.0.0",
                str(bare_upstream),
                str(projects / "bare"),
            ],
            work,
            env,
        )
        for project in ("svc", "bare"):
            _git(projects / project, "init", "-q")
            _git(projects / project, "add", "-A")
            _git(projects / project, "commit", "-qm", "generated")

        def fresh(name: str) -> Callable[[Path], None]:
            def prepare(where: Path) -> None:
                shutil.copytree(projects / name, where / "p", symlinks=True)

            return prepare

        update = [
            Contender(
                "stackwise update", lambda d: [*STACKWISE, "update", str(d / "p")], fresh("svc")
            ),
            Contender(
                "copier update (this template)",
                lambda d: [*COPIER, "update", "-q", "--defaults", str(d / "p")],
                fresh("svc"),
            ),
            Contender(
                "copier update (this template), Copier caching compiled templates",
                lambda d: [*COPIER_WITH_TEMPLATE_CACHE, "update", "-q", "--defaults", str(d / "p")],
                fresh("svc"),
            ),
            Contender(
                "copier update (bare template)",
                lambda d: [*COPIER, "update", "-q", "--defaults", str(d / "p")],
                fresh("bare"),
            ),
        ]
        log(f"update: v1.0.0 -> v1.1.0, {rounds} rounds")
        update_table = _table(
            f"update a project to the next release, {rounds} rounds",
            _rounds(update, rounds, work / "update", env),
            "copier update (bare template)",
        )
        return copy_table, update_table
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _rounds(
    contenders: list[Contender], rounds: int, base: Path, env: dict[str, str]
) -> dict[str, list[tuple[float, float]]]:
    times: dict[str, list[tuple[float, float]]] = {c.name: [] for c in contenders}
    for i in range(rounds):
        order = contenders[i % len(contenders) :] + contenders[: i % len(contenders)]
        for contender in order:
            where = base / f"{i}-{contenders.index(contender)}"
            where.mkdir(parents=True)
            contender.prepare(where)
            times[contender.name].append(_run(contender.run(where), where, env))
            shutil.rmtree(where, ignore_errors=True)
    return times


def _table(title: str, times: dict[str, list[tuple[float, float]]], baseline: str) -> Table:
    """Medians of wall-clock and CPU time; CPU time is what a busy machine disturbs least."""
    table = Table(
        "command",
        "wall s",
        "ratio",
        "cpu s",
        "ratio",
        title=title,
        caption=(f"ratio: to {baseline}; medians"),
    )
    walls = {name: statistics.median(w for w, _ in samples) for name, samples in times.items()}
    cpus = {name: statistics.median(c for _, c in samples) for name, samples in times.items()}
    for name in times:
        table.add_row(
            name,
            f"{walls[name]:.3f}",
            f"{walls[name] / walls[baseline]:.2f}",
            f"{cpus[name]:.3f}",
            f"{cpus[name] / cpus[baseline]:.2f}",
        )
    return table


def bench_generate(rounds: int) -> None:
    console = Console(stderr=True)
    for table in measure(rounds, console.print):
        Console(width=120).print(table)
