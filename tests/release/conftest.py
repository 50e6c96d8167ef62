"""Helpers for the release tier: build stackwise as a user gets it and install it alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# What a release is built from; everything else in a checkout stays out of the upstream copy.
RELEASE_FILES = ("pyproject.toml", "hatch_build.py", "README.md", "CHANGELOG.md", "copier.yml")
RELEASE_DIRS = ("src", "template", "partials", "tests/contract")


def uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user with no checkout: nothing points back at this one."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "STACKWISE_TEMPLATE", "VIRTUAL_ENV", "STACKWISE_TEMPLATE_URL"}
    }
    return {**env, **extra}


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env or clean_env(), capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}: exit {proc.returncode}\n" + (
        proc.stdout + proc.stderr
    )
    return proc.stdout + proc.stderr


def offline(cmd: list[str]) -> list[str]:
    """cmd in a network namespace with no interfaces, where the kernel allows one."""
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False)
    return ["unshare", "-rn", *cmd] if probe.returncode == 0 else cmd


def git(cwd: Path, *args: str) -> str:
    return run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd)


def commit_all(cwd: Path, message: str) -> None:
    git(cwd, "add", "-A")
    git(cwd, "commit", "-qm", message)


def export_release(root: Path, dest: Path) -> Path:
    """The files of a release, as the upstream repository holds them."""
    dest.mkdir(parents=True)
    for name in RELEASE_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, dest / name)
    for name in RELEASE_DIRS:
        shutil.copytree(
            root / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    return dest


def build(project: Path, out: Path) -> tuple[Path, Path]:
    """`uv build`: the sdist, then the wheel built from that sdist."""
    run([*uv(), "build", "-q", "--out-dir", str(out)], project)
    return next(out.glob("*.whl")), next(out.glob("*.tar.gz"))


def venv_with(package: Path, where: Path) -> Path:
    """A fresh virtual environment holding only `package` and its dependencies; its bin/."""
    run([*uv(), "venv", "-q", str(where)], where.parent)
    run(
        [*uv(), "pip", "install", "-q", "--python", str(where / "bin" / "python"), str(package)],
        where.parent,
    )
    return where / "bin"


@pytest.fixture(scope="session")
def checkout(root: Path) -> Path:
    if not (root / "pyproject.toml").is_file():
        pytest.skip("needs a stackwise checkout to build from")
    return root


@pytest.fixture(scope="session")
def dist(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    source = export_release(checkout, tmp_path_factory.mktemp("src") / "stackwise")
    return build(source, tmp_path_factory.mktemp("dist"))
