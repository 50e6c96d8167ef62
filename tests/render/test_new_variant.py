"""Adding a framework is one folder of partials, one catalog entry and its pins.

A dry run: a stub framework (`quart`, Flask's partials under another name) is added to a
copy of the template; its stacks render clean and pass the install-free checks, and the
change touches nothing but those three places.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import copier
import yaml

from stackwise import toolchains
from stackwise.questionnaire import Questionnaire
from stackwise.stack import Stack

ALLOWED = ("partials/python/framework/quart/", "copier.yml", "partials/python/dependencies.jinja")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_new_framework_is_its_folder_the_catalog_and_its_pins(root: Path, tmp_path: Path) -> None:
    repo = tmp_path / "template"
    repo.mkdir()
    for name in ("copier.yml", "template", "partials"):
        source = root / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "before")

    shutil.copytree(
        repo / "partials/python/framework/flask", repo / "partials/python/framework/quart"
    )
    spec = yaml.safe_load((repo / "copier.yml").read_text())
    python = spec["catalog"]["default"]["languages"]["python"]
    python["frameworks"]["quart"] = {**python["frameworks"]["flask"], "label": "Quart"}
    for orm in python["orms"].values():
        if "flask" in orm.get("frameworks", []):
            orm["frameworks"].append("quart")
    (repo / "copier.yml").write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    pins = repo / "partials/python/dependencies.jinja"
    pins.write_text(
        pins.read_text().replace(
            "  'flask': ['flask', 'gunicorn'],",
            "  'flask': ['flask', 'gunicorn'],\n  'quart': ['flask', 'gunicorn'],",
        )
    )

    changed = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    paths = sorted({line[3:] for line in changed})
    print("files of the dry run:", *paths, sep="\n  ")
    assert paths and all(p.startswith(ALLOWED) for p in paths), paths
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "quart")

    q = Questionnaire.load(repo)
    stacks = [s for s in q.implemented() if s.framework == "quart"]
    assert {s.orm for s in stacks} == {"sqlalchemy", "pymongo"}
    for stack in stacks:
        dest = tmp_path / "out" / stack.slug / "demo-svc"
        copier.run_copy(
            str(repo),
            str(dest),
            data={"project_name": "demo-svc", **stack.answers()},
            defaults=True,
            vcs_ref="HEAD",
            unsafe=False,
            quiet=True,
        )
        assert "Quart" in (dest / "README.md").read_text()
        for command in toolchains.static_checks(stack.language, dest):
            proc = subprocess.run(command, cwd=dest, capture_output=True, text=True)
            assert proc.returncode == 0, proc.stdout + proc.stderr
    assert Stack("python", "quart", "sqlalchemy", "postgresql", "kafka") in stacks
