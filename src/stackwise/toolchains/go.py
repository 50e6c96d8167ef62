"""Go projects: shared module and build caches, and a pinned golangci-lint.

GOMODCACHE, GOCACHE and GOBIN live under `cache_dir()`, so every smoke run (and CI's
cache) reuses the downloaded modules and compiled packages: a cold build of a stack is
about 2 minutes on 2 cores, a warm one seconds. golangci-lint is installed once into
GOBIN at the version the template pins (partials/go/modules.jinja).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from stackwise import toolchains
from stackwise.questionnaire import template_root

LINT_MODULE = "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
INSTALL_TIMEOUT_SECONDS = 900
BUILD_TIMEOUT_SECONDS = 600


def golangci_lint_version() -> str:
    pins = (template_root() / "partials" / "go" / "modules.jinja").read_text()
    match = re.search(r"set golangci_lint = '(v[0-9.]+)'", pins)
    if not match:
        raise RuntimeError("partials/go/modules.jinja does not pin golangci_lint")
    return match.group(1)


def environment(env: dict[str, str]) -> dict[str, str]:
    root = toolchains.cache_dir() / "go"
    paths = {"GOMODCACHE": root / "mod", "GOCACHE": root / "build", "GOBIN": root / "bin"}
    for name, path in paths.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["PATH"] = f"{paths['GOBIN']}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("GOFLAGS", "-buildvcs=false")  # rendered projects are not always git repos
    _install_golangci_lint(paths["GOBIN"], env)
    return env


def _install_golangci_lint(gobin: Path, env: dict[str, str]) -> None:
    version = golangci_lint_version()
    binary = gobin / "golangci-lint"
    if binary.exists():
        probe = subprocess.run(
            [str(binary), "version"], capture_output=True, text=True, env=env, check=False
        )
        if f"version {version.removeprefix('v')} " in probe.stdout + probe.stderr:
            return
    go = shutil.which("go", path=env["PATH"])
    if go is None:
        raise RuntimeError("Go is not installed (https://go.dev/dl/)")
    subprocess.run(
        ["nice", "-n", "10", go, "install", f"{LINT_MODULE}@{version}"],
        env=env,
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT_SECONDS,
    )


def static_checks(project: Path) -> list[list[str]]:
    return [["sh", "-c", 'out="$(gofmt -l .)"; test -z "$out" || { echo "$out"; exit 1; }']]


BENCH_ENV: dict[str, str] = {}
"""`make run` already builds and serves with production settings."""


def bare_app(project: Path, framework: str) -> list[str]:
    """Builds the framework's bare app inside the project, so that it compiles against the
    project's go.mod (same framework version), with the Makefile's flags. The `_bench`
    directory is outside the project's `./...`, so its build, vet and lint never see it."""
    source = project / "_bench"
    source.mkdir(exist_ok=True)
    shutil.copy(toolchains.bare_apps("go") / f"{framework}.go", source / "main.go")
    binary = project / "bin" / "bare"
    env = {**toolchains.environment("go", dict(os.environ)), "CGO_ENABLED": "0"}
    subprocess.run(
        ["go", "build", "-trimpath", "-o", str(binary), "./_bench"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    return [str(binary)]
