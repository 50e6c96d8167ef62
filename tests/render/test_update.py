"""`copier update` round trip: template v1, user edits, template v2, edits kept."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import copier._template
import pytest
from typer.testing import CliRunner

from stackwise.cli import app

runner = CliRunner()


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def commit_all(cwd: Path, message: str) -> None:
    git(cwd, "add", "-A")
    git(cwd, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


def make_template(root: Path, dest: Path) -> Path:
    dest.mkdir()
    shutil.copy(root / "copier.yml", dest)
    shutil.copytree(root / "template", dest / "template")
    shutil.copytree(root / "partials", dest / "partials")
    git(dest, "init", "-q")
    commit_all(dest, "v1")
    git(dest, "tag", "v1.0.0")
    return dest


def generate(template: Path, project: Path) -> None:
    result = runner.invoke(
        app,
        [
            "new",
            str(project),
            "--defaults",
            "--ml-ai",
            "--template",
            str(template),
            "--vcs-ref",
            "v1.0.0",
        ],
    )
    assert result.exit_code == 0, result.output
    git(project, "init", "-q")
    commit_all(project, "generated")


def release_v2(template: Path) -> None:
    ignore = template / "template" / "python" / ".gitignore"
    ignore.write_text(ignore.read_text() + "# added in v2\n.v2-cache/\n")
    (template / "template" / "python" / "CHANGES.md.jinja").write_text(
        "v2 for {{ project_name }}\n"
    )
    commit_all(template, "v2")
    git(template, "tag", "v2.0.0")


def test_update_keeps_user_edits(tmp_path: Path, root: Path) -> None:
    template = make_template(root, tmp_path / "tpl")
    project = tmp_path / "svc"
    generate(template, project)
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our runbook\nPage the on-call.\n")
    commit_all(project, "user edit")
    release_v2(template)

    result = runner.invoke(app, ["update", str(project)])
    assert result.exit_code == 0, result.output
    assert "Page the on-call." in readme.read_text()
    assert ".v2-cache/" in (project / ".gitignore").read_text()
    assert (project / "CHANGES.md").read_text() == "v2 for svc\n"
    assert "_commit: v2.0.0" in (project / ".copier-answers.yml").read_text()


def test_update_conflict_is_marked_not_dropped(tmp_path: Path, root: Path) -> None:
    template = make_template(root, tmp_path / "tpl")
    project = tmp_path / "svc"
    generate(template, project)
    ignore = project / ".gitignore"
    ignore.write_text(ignore.read_text() + "# ours\n.our-cache/\n")
    commit_all(project, "user edit")
    release_v2(template)

    result = runner.invoke(app, ["update", str(project)])
    assert result.exit_code == 2, result.output
    assert ".gitignore" in result.output
    text = ignore.read_text()
    assert ".our-cache/" in text and ".v2-cache/" in text and "<<<<<<<" in text


def test_update_clones_each_release_once_and_removes_the_clones(
    tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = make_template(root, tmp_path / "tpl")
    project = tmp_path / "svc"
    generate(template, project)
    release_v2(template)
    clones: list[tuple[str, str]] = []

    def clone(url: str, ref: str, location: str) -> str:
        clones.append((url, ref))
        return copier_clone(url, ref, location)

    copier_clone = copier._template.clone
    monkeypatch.setattr(copier._template, "clone", clone)
    scratch = tmp_path / "tmp"  # where Copier makes its clones and copies
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    result = runner.invoke(app, ["update", str(project)])
    assert result.exit_code == 0, result.output
    assert sorted(clones) == [(str(template), "v1.0.0"), (str(template), "v2.0.0")]
    assert not list(scratch.iterdir())
