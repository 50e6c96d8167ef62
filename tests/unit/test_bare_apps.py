"""`stackwise bench` has a bare app for every implemented framework."""

from __future__ import annotations

import pytest

from stackwise import toolchains
from stackwise.smoke import implemented
from stackwise.toolchains import python


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
