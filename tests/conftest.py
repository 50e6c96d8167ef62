from __future__ import annotations

from pathlib import Path

import pytest

from stackwise.questionnaire import Questionnaire, template_root


@pytest.fixture(scope="session")
def root() -> Path:
    return template_root()


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return Questionnaire.load()


# Tests that start services, serve projects or take services away run one after another on
# one worker (`-n 2 --dist loadgroup`); the other tiers share both cores around them.
SERIAL = ("tests/smoke/", "tests/faults/", "tests/services/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).as_posix()
        if item.get_closest_marker("smoke") or any(f"/{part}" in path for part in SERIAL):
            item.add_marker(pytest.mark.xdist_group("services"))
