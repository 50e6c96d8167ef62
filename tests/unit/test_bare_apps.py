"""`stackwise bench` has a bare app for every implemented framework of the languages whose
toolchain serves one."""

from __future__ import annotations

from stackwise import toolchains
from stackwise.smoke import implemented
from stackwise.toolchains import python


def frameworks(language: str) -> set[str]:
    return {s.framework for s in implemented() if s.language == language}


def test_every_node_framework_has_a_bare_app() -> None:
    files = {path.stem for path in toolchains.bare_apps("node").glob("*.mjs")}
    assert frameworks("node") <= files


def test_every_python_framework_has_a_bare_app() -> None:
    assert frameworks("python") <= set(python.BARE_APP)
    for name in python.BARE_APP.values():
        assert (toolchains.bare_apps("python") / name).is_file()
