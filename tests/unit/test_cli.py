"""The CLI, through Typer's runner: new, recommend, list, update, and bad input."""

from __future__ import annotations

import filecmp
import json
import subprocess
from pathlib import Path

import copier
import pytest
import yaml
from typer.testing import CliRunner

from stackwise.cli import app

runner = CliRunner()
FASTAPI = ["--ml-ai", "--acid", "--no-high-throughput-events"]


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def same_tree(a: Path, b: Path) -> bool:
    """Same files, same bytes; the answers may differ only in `_commit`, which names a
    fresh commit of uncommitted template edits on each render of a dirty checkout."""
    answers = [yaml.safe_load((d / ".copier-answers.yml").read_text()) for d in (a, b)]
    for one in answers:
        one.pop("_commit")
    assert answers[0] == answers[1]
    cmp = filecmp.dircmp(a, b, ignore=[".copier-answers.yml"])

    def clean(c: filecmp.dircmp[str]) -> bool:
        return not (c.left_only or c.right_only or c.diff_files or c.funny_files) and all(
            clean(sub) for sub in c.subdirs.values()
        )

    return clean(cmp)


def test_help_has_an_example_for_each_command() -> None:
    for command in ("new", "recommend", "list", "update", "smoke", "bench"):
        code, output = invoke(command, "--help")
        assert code == 0
        assert "Example" in output, command


def test_new_defaults_matches_plain_copier(tmp_path: Path, root: Path) -> None:
    code, output = invoke("new", str(tmp_path / "demo-svc"), "--defaults", *FASTAPI)
    assert code == 0, output
    copier.run_copy(
        str(root),
        str(tmp_path / "plain" / "demo-svc"),
        defaults=True,
        data={"ml_ai": True},
        vcs_ref="HEAD",
        quiet=True,
        unsafe=False,
    )
    assert same_tree(tmp_path / "demo-svc", tmp_path / "plain" / "demo-svc")


def test_new_with_flags_and_set(tmp_path: Path) -> None:
    code, output = invoke(
        "new",
        str(tmp_path / "x"),
        "--defaults",
        "--name",
        "orders",
        "--language",
        "python",
        "--set",
        "queue=rabbitmq",
    )
    assert code == 0, output
    answers = (tmp_path / "x" / ".copier-answers.yml").read_text()
    assert "project_name: orders" in answers
    assert "framework: fastapi" in answers


@pytest.mark.parametrize(
    "name",
    ["../x", "class", "con", "1abc", "$(id)", "a" * 300, "node_modules", "bad\nname"],
    ids=repr,
)
def test_hostile_names_leave_nothing(tmp_path: Path, name: str) -> None:
    code, output = invoke(
        "new", str(tmp_path / "out"), "--defaults", "--language", "python", "--name", name
    )
    assert code == 1
    assert "error: project_name:" in output
    assert list(tmp_path.iterdir()) == []


def test_hostile_directory_name_is_refused(tmp_path: Path) -> None:
    code, output = invoke("new", str(tmp_path / "1abc"), "--defaults", "--language", "python")
    assert code == 1 and "project_name" in output
    assert list(tmp_path.iterdir()) == []


def test_unimplemented_stack_is_refused(tmp_path: Path) -> None:
    code, output = invoke("new", str(tmp_path / "svc"), "--defaults", "--language", "go")
    assert code == 1
    assert "not implemented yet" in output
    assert list(tmp_path.iterdir()) == []


def test_non_empty_dest_is_refused_and_force_keeps_user_files(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    code, output = invoke("new", str(dest), "--defaults", *FASTAPI)
    assert code == 1 and "not empty" in output
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]
    code, output = invoke("new", str(dest), "--defaults", "--force", *FASTAPI)
    assert code == 0, output
    assert (dest / "notes.txt").read_text() == "mine"
    assert (dest / ".copier-answers.yml").is_file()


def test_force_never_overwrites(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "README.md").write_text("my readme")
    code, output = invoke("new", str(dest), "--defaults", "--force", *FASTAPI)
    assert code == 1 and "would overwrite existing files" in output and "README.md" in output
    assert [p.name for p in dest.iterdir()] == ["README.md"]
    assert (dest / "README.md").read_text() == "my readme"
    assert not [p for p in tmp_path.iterdir() if p.name != "svc"]  # no staging left


def test_new_needs_a_terminal_or_defaults(tmp_path: Path) -> None:
    code, output = invoke("new", str(tmp_path / "svc"))
    assert code == 1 and "--defaults" in output


def test_recommend_json_explains() -> None:
    code, output = invoke(
        "recommend",
        "--json",
        "--no-realtime",
        "--ml-ai",
        "--no-acid",
        "--flexible-schema",
        "--high-throughput-events",
    )
    assert code == 0, output
    data = json.loads(output)
    assert data["stack"] == {
        "language": "python",
        "framework": "fastapi",
        "database": "mongodb",
        "orm": "pymongo",
        "queue": "kafka",
    }
    assert [step["answer"] for step in data["path"]][:2] == [False, True]
    assert "ML/AI" in data["reasons"]["language"]
    assert data["pitfalls"] == []


def test_recommend_warns_on_pitfalls() -> None:
    code, output = invoke(
        "recommend",
        "--acid",
        "--database",
        "mongodb",
        "--queue",
        "kafka",
        "--no-high-throughput-events",
    )
    assert code == 0, output
    assert "Choosing NoSQL for relational data" in output
    assert "Over-engineering" in output


def test_recommend_refuses_unknown_override() -> None:
    code, output = invoke("recommend", "--json", "--language", "cobol")
    assert code == 1 and "language: 'cobol' is not one of" in output


def test_list_shows_every_combination() -> None:
    code, output = invoke("list", "--json")
    assert code == 0
    rows = json.loads(output)
    assert len(rows) == 128  # 88 stacks, and the 40 Node ones again with Socket.IO
    fastapi = next(r for r in rows if r["stack"] == "fastapi/sqlalchemy/postgresql/rabbitmq")
    assert fastapi["implemented"] and fastapi["ci"] == "smoke"
    django_mongo = next(r for r in rows if r["stack"] == "django/django-mongodb/mongodb/kafka")
    assert not django_mongo["implemented"]
    assert "unsupported (django-mongodb-needs-mongodb)" in django_mongo["refused"]


def test_list_filters_and_sums_up() -> None:
    code, output = invoke("list", "--implemented", "--language", "python")
    assert code == 0, output
    assert "django-mongodb" not in output and "nestjs" not in output
    assert "12 combinations listed" not in output
    assert "implemented (" in output.splitlines()[-1]
    code, output = invoke("list", "--language", "cobol")
    assert code == 1 and "--language: 'cobol' is not one of" in output


def test_update_refuses_non_git_and_dirty(tmp_path: Path) -> None:
    code, output = invoke("update", str(tmp_path))
    assert code == 1 and "not a generated project" in output
    invoke("new", str(tmp_path / "svc"), "--defaults", *FASTAPI)
    code, output = invoke("update", str(tmp_path / "svc"))
    assert code == 1 and "not a git repository" in output
    subprocess.run(["git", "init", "-q"], cwd=tmp_path / "svc", check=True)
    code, output = invoke("update", str(tmp_path / "svc"))
    assert code == 1 and "uncommitted changes" in output


def test_unimplemented_recommendation_names_what_works(tmp_path: Path) -> None:
    code, output = invoke("new", str(tmp_path / "svc"), "--defaults")
    assert code == 1
    assert "implemented today: python (e.g. --language python)" in output
