"""Python projects: uv, and the ruff checks that need no install."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def environment(env: dict[str, str]) -> dict[str, str]:
    env.pop("VIRTUAL_ENV", None)  # uv warns about a foreign active venv
    if not shutil.which("uv"):  # installed as a Python package but not on PATH
        env["UV"] = f"{sys.executable} -m uv"
    return env


def static_checks(project: Path) -> list[list[str]]:
    return [
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
    ]
