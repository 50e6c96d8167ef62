"""What each language's toolchain needs before the smoke harness can drive a project.

One module per language (`stackwise.toolchains.<language>`), each with:

- `environment(env) -> dict[str, str]`: makes sure the toolchain the generated project
  needs is installed (idempotently, cached under `cache_dir()`), and returns `env`
  with what the project's `make` targets need (PATH, shared build caches, ...).
- `static_checks(project) -> list[list[str]]`: tier-1 commands run in a rendered
  project that need no dependency install (formatters, syntax checks).
- `BENCH_ENV: dict[str, str]`: what `stackwise bench` adds to the environment of the
  service and of the bare app (a release build, say).
- `bare_app(project, framework) -> list[str]`: copies the framework's least app serving
  `GET /health` (`stackwise/bare_apps/<language>/`) into a set-up project, and returns
  the command that serves it on $PORT with the project's dependency versions and the
  same server settings as its `make run`, for `stackwise bench`'s ratio.
"""

from __future__ import annotations

import fcntl
import importlib
import os
from pathlib import Path
from types import ModuleType


def cache_dir() -> Path:
    """One cache for every run: toolchains, package caches, build directories."""
    base = os.environ.get("STACKWISE_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    path = root / "stackwise" if not os.environ.get("STACKWISE_CACHE") else root
    path.mkdir(parents=True, exist_ok=True)
    return path


def module(language: str) -> ModuleType:
    return importlib.import_module(f"stackwise.toolchains.{language}")


def environment(language: str, env: dict[str, str]) -> dict[str, str]:
    """The language module's environment, one process at a time: parallel test workers
    must not install the same toolchain into the cache at once."""
    with (cache_dir() / f".{language}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return dict(module(language).environment(dict(env)))


def static_checks(language: str, project: Path) -> list[list[str]]:
    return list(module(language).static_checks(project))


def bench_env(language: str) -> dict[str, str]:
    return dict(module(language).BENCH_ENV)


def bare_app(language: str, project: Path, framework: str) -> list[str]:
    return list(module(language).bare_app(project, framework))


def bare_apps(language: str) -> Path:
    return Path(__file__).parent.parent / "bare_apps" / language
