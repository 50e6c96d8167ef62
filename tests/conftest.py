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
