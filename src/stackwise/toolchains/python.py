"""Python projects: uv, and the ruff checks that need no install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PYTHON = "3.13"
"""The generated projects' .python-version (partials/python/dependencies.jinja)."""


def environment(env: dict[str, str]) -> dict[str, str]:
    env.pop("VIRTUAL_ENV", None)  # uv warns about a foreign active venv
    if not shutil.which("uv"):  # installed as a Python package but not on PATH
        env["UV"] = f"{sys.executable} -m uv"
    if pyenv := _pyenv_versions(env):
        env["PYENV_VERSION"] = pyenv
    return env


def _pyenv_versions(env: dict[str, str]) -> str | None:
    """With pyenv, the project's .python-version would hide the current Python (and the
    uv installed in it) from pyenv's shims: keep both visible."""
    if not shutil.which("pyenv") or "PYENV_VERSION" in env:
        return None
    run = [["pyenv", "version-name"], ["pyenv", "versions", "--bare", "--skip-aliases"]]
    try:
        current, versions = (
            subprocess.run(c, capture_output=True, text=True, check=True).stdout for c in run
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    wanted = [v for v in versions.split() if v.startswith(PYTHON + ".")]
    return ":".join([current.strip(), *wanted[-1:]])


def static_checks(project: Path) -> list[list[str]]:
    return [
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
    ]
