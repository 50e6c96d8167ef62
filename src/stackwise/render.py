"""Render a project with Copier without ever leaving half a directory or touching user files."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import copier
from copier._main import Worker
from copier.errors import DirtyLocalWarning

from stackwise.questionnaire import template_root

CONFLICT_MARK = "<<<<<<< "


class RenderError(RuntimeError):
    """Rendering or updating failed; the message is one line for the user."""


class _FreshCopy(Worker):
    """`copier copy` into a new staging directory, without one git process per file.

    After writing each file, Copier runs `git config core.fileMode` in the destination to
    copy the executable bit into git's index when that setting is false. A freshly
    rendered file is not in any index yet, so that sync is a no-op there; skipping it
    saves one git process per file (0.1-0.2 s a project on a 2-core machine).
    """

    def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
        return None


def copier_data(answers: dict[str, Any], public: list[str]) -> dict[str, Any]:
    """The answers Copier takes as --data (hidden and derived values left out)."""
    return {k: v for k, v in answers.items() if k in public}


@contextmanager
def _staging(dest: Path) -> Iterator[Path]:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{dest.name}.", dir=dest.parent) as tmp:
        yield Path(tmp) / "out"


def check_destination(dest: Path, *, force: bool = False) -> None:
    """Refuse a destination that is a file, or a non-empty directory unless force."""
    dest = dest.resolve()
    if dest.exists() and not dest.is_dir():
        raise RenderError(f"{dest} exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise RenderError(f"{dest} is not empty (use --force to add the project beside its files)")


def render(
    dest: Path,
    data: dict[str, Any],
    *,
    force: bool = False,
    template: Path | None = None,
    vcs_ref: str | None = "HEAD",
) -> list[Path]:
    """Render into dest, which must be missing or empty unless force is set.

    Everything is rendered into a staging directory beside dest first. With force,
    dest may hold files, but none of them may differ from what would be written:
    a user's file is never overwritten or deleted. Returns the files written.
    """
    dest = dest.resolve()
    check_destination(dest, force=force)
    with _staging(dest) as stage:
        try:
            # A template checkout with uncommitted edits renders them: that is the point.
            warnings.simplefilter("ignore", DirtyLocalWarning)
            with _FreshCopy(
                src_path=str(template or template_root()),
                dst_path=stage,
                data=data,
                defaults=True,
                unsafe=False,
                quiet=True,
                vcs_ref=vcs_ref,
            ) as worker:
                worker.run_copy()
        except Exception as error:  # Copier raises several types; show one line.
            raise RenderError(_one_line(error)) from error
        files = sorted(p.relative_to(stage) for p in stage.rglob("*") if not p.is_dir())
        clashes = [
            f
            for f in files
            if (dest / f).exists()
            and not ((dest / f).is_file() and filecmp.cmp(stage / f, dest / f))
        ]
        if clashes:
            listed = ", ".join(str(c) for c in clashes[:5])
            more = f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
            raise RenderError(f"would overwrite existing files in {dest}: {listed}{more}")
        if not dest.exists():
            stage.rename(dest)
        else:
            for f in files:
                (dest / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(stage / f, dest / f)
    return files


def update(project: Path, *, vcs_ref: str | None = None) -> list[Path]:
    """`copier update` in a clean git work tree; returns files left with conflict markers."""
    project = project.resolve()
    if not (project / ".copier-answers.yml").is_file():
        raise RenderError(f"{project} has no .copier-answers.yml: not a generated project")
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != project:
        raise RenderError(f"{project} is not a git repository; run `git init` and commit first")
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True
    )
    if status.stdout.strip():
        raise RenderError(f"{project} has uncommitted changes; commit or stash them first")
    try:
        copier.run_update(
            str(project),
            defaults=True,
            overwrite=True,
            skip_answered=True,
            unsafe=False,
            quiet=True,
            conflict="inline",
            vcs_ref=vcs_ref,
        )
    except Exception as error:
        raise RenderError(_one_line(error)) from error
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    conflicts = []
    for line in changed:
        path = project / line[3:].strip().strip('"')
        if path.is_file() and CONFLICT_MARK in path.read_text(errors="replace"):
            conflicts.append(path.relative_to(project))
    return conflicts


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[-1] if text else type(error).__name__
