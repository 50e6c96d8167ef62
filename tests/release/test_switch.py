"""Change your mind later: `stackwise update --set` switches a component of a project.

A stack is generated from a tagged template, edited and committed, then switched; the
result must pass the same smoke steps as a freshly generated stack, contract included.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackwise.cli import app
from stackwise.questionnaire import Questionnaire
from stackwise.render import copier_data, render
from stackwise.services import up as services_up
from stackwise.smoke import Run, SmokeFailure
from stackwise.stack import Stack

from .conftest import commit_all, export_release, git

runner = CliRunner()
CACHE_NOTE = "# Reviewed by the payments team.\n"
README_NOTE = "\n## Our runbook\nPage the on-call.\n"


@pytest.fixture(scope="module")
def upstream(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = export_release(checkout, tmp_path_factory.mktemp("upstream") / "stackwise")
    git(repo, "init", "-q")
    commit_all(repo, "release")
    git(repo, "tag", "v1.0.0")
    return repo


def generate(run: Run, upstream: Path, stack: Stack) -> None:
    """Render `stack` where `run` expects its project, commit it and make two edits."""
    q = Questionnaire.load()
    answers = q.resolve({"project_name": run.project.name, **stack.answers()})
    render(run.project, copier_data(answers, q.public_names()), template=upstream, vcs_ref="v1.0.0")
    git(run.project, "init", "-q")
    commit_all(run.project, f"generated {stack}")
    cache = run.project / "src" / run.project.name.replace("-", "_") / "cache.py"
    cache.write_text(CACHE_NOTE + cache.read_text())
    readme = run.project / "README.md"
    readme.write_text(readme.read_text() + README_NOTE)
    commit_all(run.project, "our edits")


def switch_and_smoke(
    upstream: Path, tmp_path: Path, before: str, after: str, sets: list[str]
) -> list[str]:
    """Generate `before`, edit, switch with --set to `after`, smoke it; the removed files."""
    catalog = Questionnaire.load().catalog
    run = Run(Stack.parse(after, catalog), tmp_path, print)
    services_up(run.services)
    try:
        generate(run, upstream, Stack.parse(before, catalog))
        args = [arg for item in sets for arg in ("--set", item)]
        result = runner.invoke(app, ["update", str(run.project), *args])
        assert result.exit_code == 0, result.output
        answers = (run.project / ".copier-answers.yml").read_text()
        for item in sets:
            assert item.replace("=", ": ") in answers
        cache = run.project / "src" / run.project.name.replace("-", "_") / "cache.py"
        assert cache.read_text().startswith(CACHE_NOTE)
        assert README_NOTE in (run.project / "README.md").read_text()
        run.create_database()
        run.step("setup", ["make", "setup"])
        run.step("migrate", ["make", "migrate"])
        run.step("lint", ["make", "lint"])
        run.step("own tests", ["make", "test"])
        run.serve_and_check()
    except SmokeFailure as failure:
        pytest.fail(f"{after}: {failure.step} failed\n{failure.output}")
    finally:
        run.drop_database()
    removed = [line.removeprefix("removed ") for line in result.output.splitlines()]
    shutil.rmtree(run.project, ignore_errors=True)
    return [line for line in removed if not line.startswith("updated")]


@pytest.mark.smoke
def test_rabbitmq_to_kafka(upstream: Path, tmp_path: Path) -> None:
    removed = switch_and_smoke(
        upstream,
        tmp_path,
        "fastapi/sqlalchemy/postgresql/rabbitmq",
        "fastapi/sqlalchemy/postgresql/kafka",
        ["queue=kafka"],
    )
    assert "tests/integration/test_rabbitmq.py" in removed


@pytest.mark.smoke
def test_postgresql_to_mongodb(upstream: Path, tmp_path: Path) -> None:
    removed = switch_and_smoke(
        upstream,
        tmp_path,
        "fastapi/sqlalchemy/postgresql/rabbitmq",
        "fastapi/pymongo/mongodb/rabbitmq",
        ["database=mongodb", "orm=pymongo"],
    )
    assert "alembic.ini" in removed


def test_refused_switch_touches_nothing(upstream: Path, tmp_path: Path) -> None:
    stack = Stack.parse("fastapi/sqlalchemy/postgresql/rabbitmq", Questionnaire.load().catalog)
    run = Run(stack, tmp_path, print)
    generate(run, upstream, run.stack)
    head = git(run.project, "rev-parse", "HEAD")
    for sets, message in (
        (["database=mongodb"], "orm: 'sqlalchemy' is not one of: pymongo"),
        (["language=go"], "another language is another project"),
        (["queue=rabbitmq"], "nothing to change"),
    ):
        args = [arg for item in sets for arg in ("--set", item)]
        result = runner.invoke(app, ["update", str(run.project), *args])
        assert result.exit_code == 1 and message in result.output, result.output
    assert git(run.project, "status", "--porcelain") == ""
    assert git(run.project, "rev-parse", "HEAD") == head
