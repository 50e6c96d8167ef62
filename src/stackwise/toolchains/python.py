"""Python projects: uv, and the ruff checks that need no install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from stackwise import toolchains

PYTHON = "3.13"
"""The generated projects' .python-version (partials/python/dependencies.jinja)."""

BENCH_ENV: dict[str, str] = {}
BARE_APP = {"fastapi": "fastapi_app.py", "flask": "gunicorn_app.py", "django": "gunicorn_app.py"}


def environment(env: dict[str, str]) -> dict[str, str]:
    env.pop("VIRTUAL_ENV", None)  # uv warns about a foreign active venv
    if not shutil.which("uv"):  # installed as a Python package but not on PATH
        env["UV"] = f"{sys.executable} -m uv"
    if pyenv := _pyenv_versions(env):
        env["PYENV_VERSION"] = pyenv
    return env


def _pyenv_versions(env: dict[str, str]) -> str | None:
    """With pyenv, the project's .python-version would hide the current Python (and the
    uv installed in it) from pyenv's shims, and a PYENV_VERSION set by a shim would hide
    the project's Python from uv: make both visible."""
    if not shutil.which("pyenv"):
        return None
    try:
        current = env.get("PYENV_VERSION") or _pyenv("version-name")
        versions = _pyenv("versions", "--bare", "--skip-aliases").split()
    except (OSError, subprocess.CalledProcessError):
        return None
    chosen = current.split(":")
    wanted = [v for v in versions if v.startswith(PYTHON + ".")]
    if wanted and not any(v.startswith(PYTHON + ".") for v in chosen):
        chosen.append(wanted[-1])
    return ":".join(chosen)


def _pyenv(*args: str) -> str:
    return subprocess.run(
        ["pyenv", *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def static_checks(project: Path) -> list[list[str]]:
    return [
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
    ]


def bare_app(project: Path, framework: str) -> list[str]:
    shutil.copy(toolchains.bare_apps("python") / BARE_APP[framework], project / ".bench-app.py")
    uv = ["uv"] if shutil.which("uv") else [sys.executable, "-m", "uv"]
    return [*uv, "run", "--no-sync", "python", ".bench-app.py", framework]
