"""Rust projects: cargo with clippy and rustfmt, one target dir and registry for every run.

Every combination pins the same exact crate versions (partials/rust/dependencies.jinja),
so a shared CARGO_TARGET_DIR lets the 18 stacks (and CI) reuse each other's compiled
dependencies instead of paying a cold build each.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from stackwise.toolchains import bare_apps, cache_dir

COMPONENTS = ("clippy", "rustfmt")


def _cargo_bin() -> Path:
    return Path(os.environ.get("CARGO_HOME") or Path.home() / ".cargo") / "bin"


def _ensure_components(env: dict[str, str]) -> None:
    """`cargo clippy` and `cargo fmt` are rustup components; add them once if missing."""
    if not shutil.which("rustup", path=env["PATH"]):
        return
    installed = subprocess.run(
        ["rustup", "component", "list", "--installed"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    missing = [c for c in COMPONENTS if not any(line.startswith(c) for line in installed.split())]
    if missing:
        subprocess.run(["rustup", "component", "add", *missing], env=env, check=True)


def environment(env: dict[str, str]) -> dict[str, str]:
    cache = cache_dir() / "rust"
    bin_dir = _cargo_bin()
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("RUSTUP_HOME", str(Path.home() / ".rustup"))
    # The registry index and crate sources live in CARGO_HOME; the binaries stay where
    # rustup put them (PATH above).
    env["CARGO_HOME"] = str(cache / "cargo-home")
    env["CARGO_TARGET_DIR"] = str(cache / "target")
    # The smoke run builds one profile only: tests and `make run` share the dev build
    # (`stackwise bench` asks for release).
    env.setdefault("BUILD_PROFILE", "dev")
    env.setdefault("CARGO_INCREMENTAL", "0")  # incremental caches only help the edited crate
    env["CARGO_TERM_COLOR"] = "never"
    _ensure_components(env)
    return env


def static_checks(project: Path) -> list[list[str]]:
    return [["cargo", "fmt", "--check", "--manifest-path", str(project / "Cargo.toml")]]


BENCH_ENV = {"BUILD_PROFILE": "release"}


def bare_app(project: Path, framework: str) -> list[str]:
    """An example target (auto-discovered from examples/, and unlike a second binary it
    leaves `cargo run` unambiguous), built with the service's lock file, profile and
    target dir. Named after the project, as the service's binary is: in the shared target
    dir, benches running at once then never build or start each other's bare app."""
    examples = project / "examples"
    examples.mkdir(exist_ok=True)
    example = "bench_bare_" + project.name.replace("-", "_")
    shutil.copy(bare_apps("rust") / f"{framework}.rs", examples / f"{example}.rs")
    profile = BENCH_ENV["BUILD_PROFILE"]
    return ["cargo", "run", "--quiet", "--profile", profile, "--example", example]
