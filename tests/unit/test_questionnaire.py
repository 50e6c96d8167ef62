"""The flowchart, the catalog rules and the name rules, read from copier.yml."""

from __future__ import annotations

import itertools

import pytest

from stackwise.questionnaire import AnswerError, Questionnaire

Q = Questionnaire.load()

LANGUAGE_PATHS = [  # (flowchart answers, language, framework): the seed's five outcomes
    ({"realtime": True}, "node", "nestjs"),
    ({"ml_ai": True}, "python", "fastapi"),
    ({"max_performance": True}, "rust", "axum"),
    ({"high_concurrency": True}, "go", "gin"),
    ({}, "node", "nestjs"),
]
DATABASE_PATHS = [
    ({"acid": True}, "postgresql"),
    ({"acid": False, "flexible_schema": True}, "mongodb"),
    ({"acid": False, "flexible_schema": False}, "postgresql"),
]
QUEUE_PATHS = [
    ({"high_throughput_events": True}, "kafka"),
    ({"high_throughput_events": False}, "rabbitmq"),
]


def recommend(**flow: bool) -> dict[str, object]:
    return Q.resolve({"project_name": "svc", **flow}, strict=False)


@pytest.mark.parametrize(("flow", "language", "framework"), LANGUAGE_PATHS)
def test_language_outcomes(flow: dict[str, bool], language: str, framework: str) -> None:
    answers = recommend(**flow)
    assert (answers["language"], answers["framework"]) == (language, framework)
    assert answers["socketio"] is flow.get("realtime", False)


def test_earlier_branch_wins() -> None:
    answers = recommend(realtime=True, ml_ai=True, max_performance=True, high_concurrency=True)
    assert answers["language"] == "node"
    assert recommend(ml_ai=True, max_performance=True)["language"] == "python"
    assert recommend(max_performance=True, high_concurrency=True)["language"] == "rust"


@pytest.mark.parametrize(("flow", "database"), DATABASE_PATHS)
def test_database_outcomes(flow: dict[str, bool], database: str) -> None:
    assert recommend(**flow)["database"] == database


@pytest.mark.parametrize(("flow", "queue"), QUEUE_PATHS)
def test_queue_outcomes(flow: dict[str, bool], queue: str) -> None:
    assert recommend(**flow)["queue"] == queue


def test_flowchart_questions_follow_the_branches() -> None:
    assert not Q.asked("ml_ai", {"realtime": True})
    assert Q.asked("ml_ai", {"realtime": False})
    assert not Q.asked("flexible_schema", {"acid": True})
    assert Q.asked("socketio", {"language": "node"})
    assert not Q.asked("socketio", {"language": "go"})


def test_orm_defaults_fit_language_and_database() -> None:
    for language, lang in Q.catalog["languages"].items():
        for framework, database in itertools.product(lang["frameworks"], Q.catalog["databases"]):
            answers = Q.resolve(
                {
                    "project_name": "svc",
                    "language": language,
                    "framework": framework,
                    "database": database,
                },
                strict=False,
            )
            orm = lang["orms"][answers["orm"]]
            assert database in orm["databases"]
            assert framework in orm.get("frameworks", [framework])


def test_implemented_stack_resolves_strictly() -> None:
    answers = Q.resolve({"project_name": "svc", "ml_ai": True})
    assert (answers["framework"], answers["orm"], answers["database"], answers["queue"]) == (
        "fastapi",
        "sqlalchemy",
        "postgresql",
        "rabbitmq",
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"language": "cobol"}, "language: 'cobol' is not one of"),
        ({"language": "python", "framework": "gin"}, "framework: 'gin' is not one of: fastapi"),
        ({"language": "python", "orm": "pymongo"}, "orm: 'pymongo' is not one of: sqlalchemy"),
        (
            {
                "language": "python",
                "framework": "flask",
                "database": "mongodb",
                "orm": "sqlalchemy",
            },
            "orm: 'sqlalchemy' is not one of: pymongo",
        ),
        (
            {"language": "python", "framework": "django", "database": "mongodb"},
            "database: unsupported (django-mongodb-needs-mongodb)",
        ),
        ({"colour": "blue"}, "unknown question(s): colour"),
    ],
)
def test_invalid_answers_are_refused(given: dict[str, str], message: str) -> None:
    with pytest.raises(AnswerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Q.resolve({"project_name": "svc", **given})


def test_pitfalls_warn_against_overrides() -> None:
    mongo_for_acid = Q.pitfalls(recommend(acid=True) | {"database": "mongodb"})
    assert any("Choosing NoSQL for relational data" in p for p in mongo_for_acid)
    assert any("Kafka" in p for p in Q.pitfalls(recommend() | {"queue": "kafka"}))
    assert Q.pitfalls(recommend(ml_ai=True)) == []
