"""`stackwise bench` has a bare app for every implemented framework."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackwise import toolchains
from stackwise.smoke import implemented
from stackwise.toolchains import python, rust


def frameworks(language: str) -> set[str]:
    return {s.framework for s in implemented() if s.language == language}


@pytest.mark.parametrize(("language", "suffix"), [("node", ".mjs"), ("go", ".go"), ("rust", ".rs")])
def test_every_framework_has_a_bare_app_file(language: str, suffix: str) -> None:
    files = {path.stem for path in toolchains.bare_apps(language).glob(f"*{suffix}")}
    assert frameworks(language) <= files


def test_every_python_framework_has_a_bare_app() -> None:
    assert frameworks("python") <= set(python.BARE_APP)
    for name in python.BARE_APP.values():
        assert (toolchains.bare_apps("python") / name).is_file()


def test_rust_bare_apps_of_two_projects_are_two_binaries(tmp_path: Path) -> None:
    """The target dir is shared: each run's bare app needs its own example name."""
    commands = []
    for name in ("sw-axum-1", "sw-axum-2"):
        (tmp_path / name).mkdir()
        commands.append(rust.bare_app(tmp_path / name, "axum"))
    examples = [command[command.index("--example") + 1] for command in commands]
    assert examples[0] != examples[1]
    for name, example in zip(("sw-axum-1", "sw-axum-2"), examples, strict=True):
        assert (tmp_path / name / "examples" / f"{example}.rs").is_file()
