"""Every combination of the catalog: implemented ones render clean, the rest are refused."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import copier
import pytest

from stackwise import toolchains
from stackwise.questionnaire import Questionnaire
from stackwise.stack import Stack

Q = Questionnaire.load()
LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|\{#|\bjinja\b")

ALL = Q.combinations()
IMPLEMENTED = Q.implemented()
MISSING = [s for s in ALL if s not in IMPLEMENTED]

# Refused by a named rule of the catalog, with its reason (cookiecutter-django style: the
# expectation as data, next to the rules it checks).
REFUSED_BY_RULE = [
    ("django/django-mongodb/mongodb/rabbitmq", "unsupported (django-mongodb-needs-mongodb)"),
    ("django/django-mongodb/mongodb/kafka", "unsupported (django-mongodb-needs-mongodb)"),
    *(
        (f"{framework}/prisma/mongodb/{queue}{gateway}", "unsupported (prisma-mongodb)")
        for framework in ("nestjs", "express", "fastify", "trpc")
        for queue in ("rabbitmq", "kafka")
        for gateway in ("", "+socketio")
    ),
]


def data_for(stack: Stack) -> dict[str, object]:
    return {"project_name": "demo-svc", **stack.answers()}


def render(root: Path, dest: Path, data: dict[str, object]) -> None:
    copier.run_copy(
        str(root), str(dest), data=data, defaults=True, vcs_ref="HEAD", unsafe=False, quiet=True
    )


def test_catalog_is_complete() -> None:
    """88 stacks, and the 40 Node ones again with the Socket.IO gateway."""
    assert len({s for s in ALL if not s.socketio}) == 88
    assert len([s for s in ALL if s.socketio]) == 40
    assert len(set(ALL)) == len(ALL)


def test_every_stack_prints_and_parses_back() -> None:
    for stack in ALL:
        assert Stack.parse(str(stack), Q.catalog) == stack


@pytest.mark.parametrize(("text", "reason"), REFUSED_BY_RULE)
def test_rules_refuse_with_their_name_and_reason(text: str, reason: str) -> None:
    """Once its language is offered, a stack a rule names is refused with that rule."""
    stack = Stack.parse(text, Q.catalog)
    assert stack not in IMPLEMENTED
    if Q.catalog["languages"][stack.language]["status"] == "implemented":
        assert reason in Q.refusal(stack)


def test_offered_stacks_are_those_of_implemented_variants() -> None:
    """Worked out from the statuses and the rules, and nothing else."""
    by_rule = {Stack.parse(text, Q.catalog) for text, _ in REFUSED_BY_RULE}
    for stack in ALL:
        lang = Q.catalog["languages"][stack.language]
        variants = [
            lang,
            lang["frameworks"][stack.framework],
            lang["orms"][stack.orm],
            lang["queues"][stack.queue],
            *([lang["socketio"]] if stack.socketio else []),
        ]
        every = all(v["status"] == "implemented" for v in variants)
        rules = [r for r in Q.catalog["unsupported"] if _names(r, stack)]
        assert (stack in IMPLEMENTED) == (every and not rules), stack
        if rules:
            assert stack in by_rule, f"{stack}: refused by a rule the tests do not list"


def _names(rule: dict[str, str], stack: Stack) -> bool:
    return all(
        getattr(stack, key) == rule[key] for key in ("framework", "orm", "database") if key in rule
    )


@pytest.fixture(scope="module")
def rendered_dirs(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[Stack, Path]:
    return {}


@pytest.fixture(params=IMPLEMENTED, ids=str)
def combo(request: pytest.FixtureRequest) -> Stack:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def rendered(
    combo: Stack,
    rendered_dirs: dict[Stack, Path],
    root: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """Each implemented stack rendered once per module."""
    if combo not in rendered_dirs:
        dest = tmp_path_factory.mktemp("render") / "demo-svc"
        render(root, dest, data_for(combo))
        rendered_dirs[combo] = dest
    return rendered_dirs[combo]


def test_no_leftover_jinja(rendered: Path) -> None:
    for path in rendered.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not LEFTOVER.search(text), (
                f"{path.relative_to(rendered)}: {LEFTOVER.search(text)}"
            )
            assert ".jinja" not in path.name


def test_shape(rendered: Path) -> None:
    for name in (
        "Makefile",
        "Dockerfile",
        "docker-compose.yml",
        ".env.example",
        "README.md",
        ".gitignore",
        ".github/workflows/ci.yml",
        ".copier-answers.yml",
    ):
        assert (rendered / name).is_file(), name
    targets = set(re.findall(r"^([a-z]+):", (rendered / "Makefile").read_text(), re.M))
    assert {"setup", "migrate", "run", "test", "lint"} <= targets
    assert ".env" in (rendered / ".gitignore").read_text().split()


def test_compose_and_workflow_match_their_schemas(rendered: Path) -> None:
    for schema, file in (
        ("vendor.compose-spec", "docker-compose.yml"),
        ("vendor.github-workflows", ".github/workflows/ci.yml"),
    ):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "check_jsonschema",
                "--builtin-schema",
                schema,
                str(rendered / file),
            ],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_static_checks(combo: Stack, rendered: Path) -> None:
    for command in toolchains.static_checks(combo.language, rendered):
        proc = subprocess.run(command, cwd=rendered, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("stack", MISSING, ids=str)
def test_unimplemented_is_refused(stack: Stack, root: Path, tmp_path: Path) -> None:
    """Plain Copier refuses it with the same one-line reason as the CLI."""
    reason = Q.refusal(stack).split(": ", 1)[1]
    with pytest.raises(ValueError, match=re.escape(reason)):
        render(root, tmp_path / "demo-svc", data_for(stack))
    assert not (tmp_path / "demo-svc").exists()


# Outside checkers, as the generated project's users would run them: zizmor and actionlint
# on the workflow (actionlint runs shellcheck on its `run:` scripts), hadolint on the
# Dockerfile. zizmor, hadolint and shellcheck come from PyPI; actionlint from the Go proxy.
ACTIONLINT = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def actionlint() -> Path:
    target = toolchains.cache_dir() / "bin"
    binary = target / "actionlint"
    with (toolchains.cache_dir() / ".actionlint.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.is_file():
            env = {**os.environ, "GOBIN": str(target)}
            subprocess.run(["go", "install", ACTIONLINT], env=env, check=True, capture_output=True)
    return binary


def test_outside_checkers_find_nothing(rendered: Path, actionlint: Path) -> None:
    workflow = ".github/workflows/ci.yml"
    for command in (
        [str(BIN / "zizmor"), "--offline", "--quiet", workflow],
        [str(actionlint), "-shellcheck", str(BIN / "shellcheck"), workflow],
        [str(BIN / "hadolint"), "Dockerfile"],
    ):
        proc = subprocess.run(command, cwd=rendered, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(command)}\n{proc.stdout}{proc.stderr}"
