"""The CLI, through Typer's runner: new, recommend, list, update, and bad input."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
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


def test_refused_stack_is_refused_with_its_reason(tmp_path: Path) -> None:
    code, output = invoke(
        "new",
        str(tmp_path / "svc"),
        "--defaults",
        "--language",
        "python",
        "--framework",
        "django",
        "--database",
        "mongodb",
    )
    assert code == 1
    assert "unsupported (django-mongodb-needs-mongodb)" in output
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
    tiers = {row["ci"] for row in rows if row["implemented"]}
    assert tiers == {"smoke", "build", "render"}
    assert {row["ci"] for row in rows if not row["implemented"]} == {"refused"}
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


def test_defaults_render_the_flowcharts_default_stack(tmp_path: Path) -> None:
    code, output = invoke("new", str(tmp_path / "svc"), "--defaults")
    assert code == 0, output
    answers = (tmp_path / "svc" / ".copier-answers.yml").read_text()
    for answer in ("framework: nestjs", "orm: drizzle", "database: postgresql", "queue: rabbitmq"):
        assert answer in answers


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "x", "--language", "python"],
        ["--language", "python", "--framework", "gin"],
        ["--language", "python", "--queue", "rabbit"],
    ],
    ids=["short name", "framework of another language", "unknown queue"],
)
def test_hint_follows_only_not_implemented_errors(tmp_path: Path, args: list[str]) -> None:
    code, output = invoke("new", str(tmp_path / "svc"), "--defaults", *args)
    assert code == 1 and "error:" in output
    assert "implemented today" not in output


def test_non_empty_dest_is_refused_before_any_question(tmp_path: Path) -> None:
    dest = tmp_path / "svc"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    code, output = invoke("new", str(dest))  # interactive, but DEST comes first
    assert code == 1 and "not empty" in output


def test_missing_template_is_one_line(tmp_path: Path) -> None:
    code, output = invoke(
        "new", str(tmp_path / "svc"), "--defaults", "--template", str(tmp_path / "nowhere")
    )
    assert code == 1
    assert output.strip().startswith("error:") and len(output.strip().splitlines()) == 1
    assert "Traceback" not in output


def test_interactive_default_goes_on_to_what_is_implemented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every default answer: the flowchart picks Node, which cannot be generated yet; the
    CLI says so and offers the overrides, where only implemented choices can be taken."""
    import stackwise.cli as cli

    offered: dict[str, list[tuple[str, bool]]] = {}

    class Choice:
        def __init__(self, label: str, value: str, disabled: str | None = None) -> None:
            self.value, self.disabled = value, disabled

    class Prompt:
        def __init__(self, value: object) -> None:
            self.value = value

        def unsafe_ask(self) -> object:
            return self.value

    class FakeQuestionary:
        @staticmethod
        def confirm(message: str, default: bool = False) -> Prompt:
            return Prompt(default)

        @staticmethod
        def select(message: str, choices: list[Choice], default: str) -> Prompt:
            offered[message] = [(c.value, bool(c.disabled)) for c in choices]
            assert (default, False) in offered[message]  # the default can be taken
            return Prompt(default)

    FakeQuestionary.Choice = Choice  # type: ignore[attr-defined]
    monkeypatch.setattr(cli, "_questionary", lambda: FakeQuestionary)
    monkeypatch.setattr(cli, "_has_terminal", lambda: True)
    code, output = invoke("new", str(tmp_path / "svc"))
    if "Language" in offered and not any(not disabled for _, disabled in offered["Language"]):
        pytest.fail(f"no implemented language offered: {offered}")
    implemented_node = ("node", False) in offered.get("Language", [("node", False)])
    assert code == 0, output
    if not implemented_node:
        assert "cannot be generated yet" in output
    language_row = next(line for line in output.splitlines() if "Node.js / TypeScript" in line)
    assert "safe default" in language_row and "real-time" not in language_row
    assert (tmp_path / "svc" / ".copier-answers.yml").is_file()


def test_next_step_is_said_once_and_runs_as_written(tmp_path: Path) -> None:
    code, output = invoke("new", str(tmp_path / "svc"), "--defaults", *FASTAPI)
    assert code == 0, output
    assert "docker compose up --build" in output
    assert "cp .env.example .env" in output and "make setup migrate test run" in output
    readme = (tmp_path / "svc" / "README.md").read_text()
    assert "docker compose up --build" in readme and "make setup" in readme


def test_output_never_wraps_a_command(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "svc"
    code, output = invoke("new", str(deep), "--defaults", *FASTAPI)
    assert code == 0, output
    assert any(f"cd {deep} && docker compose up --build" in line for line in output.splitlines())


def test_pitfall_says_whether_acid_was_asked_for() -> None:
    _, default = invoke("recommend", "--json", "--ml-ai", "--database", "mongodb")
    _, asked = invoke("recommend", "--json", "--ml-ai", "--acid", "--database", "mongodb")
    assert "you asked for" not in default and "by default" in default
    assert "you asked for ACID guarantees" in asked


def test_help_puts_developer_commands_apart_and_explains_the_flowchart() -> None:
    code, output = invoke("--help")
    assert code == 0
    users, developers = output.split("Developer commands")
    assert all(c in users for c in ("new", "recommend", "list", "update"))
    assert all(c in developers for c in ("smoke", "bench", "services"))
    code, output = invoke("new", "--help")
    assert "<bool>" not in output
    assert "Need ACID transactions" in output


def test_user_commands_do_not_load_the_developer_commands() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, stackwise.cli; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for module in ("stackwise.smoke", "stackwise.bench", "stackwise.services"):
        assert f"'{module}'" not in loaded


@pytest.mark.parametrize("command", ["smoke", "bench"])
@pytest.mark.parametrize(
    ("stack", "message"),
    [
        ("fastapi/sqlalchemy", "is not framework/orm/database/queue"),
        ("nosuch/sqlalchemy/postgresql/rabbitmq", "unknown framework 'nosuch'"),
        ("express/prisma/mongodb/kafka+socketio", "not an implemented stack"),
    ],
)
def test_developer_commands_refuse_a_bad_stack_in_one_line(
    command: str, stack: str, message: str
) -> None:
    code, output = invoke(command, stack)
    assert code == 1
    assert message in output and "Traceback" not in output
    assert len(output.strip().splitlines()) <= 2  # one line, wrapped at most once
