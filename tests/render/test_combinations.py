"""Every combination of the catalog: implemented ones render clean, the rest are refused."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import copier
import pytest

from stackwise import toolchains
from stackwise.questionnaire import Questionnaire

Q = Questionnaire.load()
LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|\{#|\bjinja\b")


ALL = Q.combinations()
IMPLEMENTED = [c for c in ALL if c[1] in Q.catalog["implemented"]]
MISSING = [c for c in ALL if c[1] not in Q.catalog["implemented"]]


def data_for(language: str, stack: str) -> dict[str, str]:
    framework, orm, database, queue = stack.split("/")
    return {
        "project_name": "demo-svc",
        "language": language,
        "framework": framework,
        "orm": orm,
        "database": database,
        "queue": queue,
    }


def render(root: Path, dest: Path, data: dict[str, str]) -> None:
    copier.run_copy(
        str(root), str(dest), data=data, defaults=True, vcs_ref="HEAD", unsafe=False, quiet=True
    )


def test_catalog_is_complete() -> None:
    assert len(ALL) == 88
    assert {c[1] for c in IMPLEMENTED} == set(Q.catalog["implemented"])


@pytest.fixture(scope="module")
def rendered_dirs(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {}


@pytest.fixture(params=IMPLEMENTED, ids=lambda c: c[1])
def combo(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def rendered(
    combo: tuple[str, str],
    rendered_dirs: dict[str, Path],
    root: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """Each implemented stack rendered once per module."""
    if combo[1] not in rendered_dirs:
        dest = tmp_path_factory.mktemp("render") / "demo-svc"
        render(root, dest, data_for(*combo))
        rendered_dirs[combo[1]] = dest
    return rendered_dirs[combo[1]]


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


def test_static_checks(combo: tuple[str, str], rendered: Path) -> None:
    for command in toolchains.static_checks(combo[0], rendered):
        proc = subprocess.run(command, cwd=rendered, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(("language", "stack"), MISSING, ids=[c[1] for c in MISSING])
def test_unimplemented_is_refused(language: str, stack: str, root: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not implemented yet"):
        render(root, tmp_path / "demo-svc", data_for(language, stack))
    assert not (tmp_path / "demo-svc").exists()
