"""stackwise installed like any other tool: from its wheel or sdist, with no checkout anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stackwise import __version__

from .conftest import clean_env, offline, run, uv, venv_with

pytestmark = pytest.mark.release


def generate_offline(bin_dir: Path, cwd: Path) -> Path:
    env = clean_env(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", STACKWISE_CACHE=str(cwd / "cache")
    )
    out = run(offline(["stackwise", "new", "demo-svc", "--defaults", "--ml-ai"]), cwd, env)
    assert "created demo-svc" in out, out
    project = cwd / "demo-svc"
    assert (project / "src" / "demo_svc").is_dir()
    assert (project / "Makefile").is_file()
    return project


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_installed_package_generates_offline(
    kind: str, dist: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, sdist = dist
    bin_dir = venv_with(wheel if kind == "wheel" else sdist, tmp_path / "venv")
    assert run([str(bin_dir / "stackwise"), "--version"], tmp_path).strip() == (
        f"stackwise {__version__}"
    )
    work = tmp_path / "work"
    work.mkdir()
    project = generate_offline(bin_dir, work)
    answers = (project / ".copier-answers.yml").read_text()
    assert f"_commit: v{__version__}\n" in answers
    assert "site-packages" not in answers
    # The wheel's seed held every template: the first run after the install compiled none.
    assert not list((work / "cache").rglob("*.cache"))


def test_uv_tool_install_generates_offline(dist: tuple[Path, Path], tmp_path: Path) -> None:
    tools, bin_dir = tmp_path / "tools", tmp_path / "bin"
    env = clean_env(UV_TOOL_DIR=str(tools), UV_TOOL_BIN_DIR=str(bin_dir))
    run([*uv(), "tool", "install", "-q", str(dist[0])], tmp_path, env)
    work = tmp_path / "work"
    work.mkdir()
    generate_offline(bin_dir, work)


def test_pipx_install_generates_offline(dist: tuple[Path, Path], tmp_path: Path) -> None:
    home, bin_dir = tmp_path / "pipx", tmp_path / "bin"
    env = clean_env(PIPX_HOME=str(home), PIPX_BIN_DIR=str(bin_dir), PIPX_MAN_DIR=str(home / "man"))
    run([sys.executable, "-m", "pipx", "install", "--quiet", str(dist[0])], tmp_path, env)
    work = tmp_path / "work"
    work.mkdir()
    generate_offline(bin_dir, work)


def test_missing_extra_is_named_in_one_line(dist: tuple[Path, Path], tmp_path: Path) -> None:
    bin_dir = venv_with(dist[0], tmp_path / "venv")
    for command in (["smoke"], ["bench"]):
        proc = subprocess.run(
            [str(bin_dir / "stackwise"), *command],
            cwd=tmp_path,
            env=clean_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 1
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        assert len(lines) == 1 and "pip install 'stackwise[test]'" in lines[0], lines
