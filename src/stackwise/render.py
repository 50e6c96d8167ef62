"""Render a project with Copier without ever leaving half a directory or touching user files."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import metadata
from pathlib import Path
from typing import Any

import yaml
from copier import VcsRef
from copier._jinja_ext import SandboxedEnvironment
from copier._main import Worker
from copier._template import Template
from copier.errors import DirtyLocalWarning

from stackwise import __version__, compiled
from stackwise.questionnaire import AnswerError, Questionnaire, template_root

CONFLICT_MARK = "<<<<<<< "
ANSWERS_FILE = ".copier-answers.yml"
# The copy of the template that the wheel ships (see pyproject's force-include).
PACKAGED_TEMPLATE = Path(__file__).resolve().parent / "_template"


class RenderError(RuntimeError):
    """Rendering or updating failed; the message is one line for the user."""


class _CompiledOnce(Worker):
    """Copier's worker with its templates compiled once (stackwise.compiled).

    Copier compiles a string anew every time it renders one: each question's default,
    choices, `when`, type and validator, each part of each file's path, and the answers
    file's name once per file, about 500 compiles a project, most of them repeats. Here
    each is compiled once a run, and files and strings come from the bytecode cache on
    later runs (`stackwise bench --generate` measures it against plain Copier). This is
    the change to propose to Copier itself; the copies inside an update keep it, since
    Copier makes them with dataclasses.replace().
    """

    @cached_property
    def jinja_env(self) -> SandboxedEnvironment:
        env = super().jinja_env
        env.bytecode_cache = compiled.bytecode_cache(env)
        env.from_string = compiled.from_string_once(env)  # type: ignore[method-assign]
        return env


_Clones = dict[tuple[str, str | None, bool], Template]
_clones: ContextVar[_Clones | None] = ContextVar("clones", default=None)


@contextmanager
def _one_clone_per_ref() -> Iterator[None]:
    """Within it, _OneClone workers share one clone of each template release."""
    clones: _Clones = {}
    token = _clones.set(clones)
    try:
        yield
    finally:
        _clones.reset(token)
        for template in clones.values():
            template._cleanup()


class _OneClone(_CompiledOnce):
    """Copier's update with one clone of each template release instead of five.

    An update clones the new release for itself, the old one to read the project's
    baseline, then again for each copy it renders (the old release into a scratch
    directory, the new one into the project and into another scratch directory), since
    each copy is a fresh Worker: five checkouts of the whole template, half an update's
    time. Under _one_clone_per_ref() the copies share the clones by (url, ref). The
    change to propose to Copier itself, as for compiled templates.
    """

    @cached_property
    def template(self) -> Template:
        clones = _clones.get()
        old = self.subproject.template
        url = self.src_path or (old and old.url)
        if clones is None or not url:
            return super().template
        if old is not None:  # already cloned to read the project's baseline
            clones.setdefault((old.url, old.ref, False), old)
        key = (url, self.resolved_vcs_ref, self.use_prereleases)
        if key not in clones:
            clones[key] = Template(url=url, ref=key[1], use_prereleases=key[2])
        return clones[key]


class _FreshCopy(_CompiledOnce):
    """`copier copy` into a new staging directory, without one git process per file.

    After writing each file, Copier runs `git config core.fileMode` in the destination to
    copy the executable bit into git's index when that setting is false. A freshly
    rendered file is not in any index yet, so that sync is a no-op there; skipping it
    saves one git process per file (0.1-0.2 s a project on a 2-core machine).
    """

    def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
        return None


def template_url() -> str:
    """The git repository a project generated from the packaged template updates from.

    $STACKWISE_TEMPLATE_URL (a fork or a mirror), else pyproject's Repository URL.
    """
    if url := os.environ.get("STACKWISE_TEMPLATE_URL"):
        return url
    urls: list[str] = metadata("stackwise").get_all("Project-URL") or []
    return dict(u.split(", ", 1) for u in urls)["Repository"]


def release_ref() -> str:
    """The git tag of the release this package is: `copier update` diffs against it."""
    return f"v{__version__}"


def _record_release(answers_file: Path) -> None:
    """Point a project rendered from the packaged template at the release's git tag.

    The packaged copy is a plain directory, so Copier records its path in site-packages
    and no commit. A release's wheel holds the tree of its tag, so naming the upstream
    repository and the tag makes the project what `copier copy --vcs-ref vX.Y.Z URL`
    would have made: `copier update` then finds the same baseline there.
    """
    text = answers_file.read_text()
    src_line = next(line for line in text.splitlines() if line.startswith("_src_path:"))
    recorded = yaml.safe_dump({"_commit": release_ref(), "_src_path": template_url()})
    answers_file.write_text(text.replace(src_line + "\n", recorded))


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
    source = (template or template_root()).resolve()
    with _staging(dest) as stage:
        try:
            # A template checkout with uncommitted edits renders them: that is the point.
            warnings.simplefilter("ignore", DirtyLocalWarning)
            with _FreshCopy(
                src_path=str(source),
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
        if source == PACKAGED_TEMPLATE:
            _record_release(stage / ANSWERS_FILE)
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


@dataclass
class Updated:
    """What an update left for the user to look at."""

    conflicts: list[Path] = field(default_factory=list)  # files with conflict markers
    removed: list[Path] = field(default_factory=list)  # files of the old choice, deleted


def switched(project: Path, sets: dict[str, Any]) -> dict[str, Any]:
    """The answers `--set` changes, checked against the catalog with the project's others.

    Raises RenderError for a refused combination, before anything is touched.
    """
    recorded = yaml.safe_load((project / ANSWERS_FILE).read_text()) or {}
    q = Questionnaire.load()
    old = {k: v for k, v in recorded.items() if k in q.public_names()}
    if "language" in sets and sets["language"] != old.get("language"):
        raise RenderError("another language is another project: generate it with `stackwise new`")
    try:
        new = q.resolve({**old, **sets})
    except AnswerError as error:
        raise RenderError(f"{error}; nothing was changed") from error
    changes = {k: new[k] for k in sets if new[k] != old.get(k)}
    if not changes:
        raise RenderError("the project already has these answers; nothing to change")
    return changes


def update(
    project: Path, *, vcs_ref: str | None = None, sets: dict[str, Any] | None = None
) -> Updated:
    """`copier update` in a clean git work tree, to another release or other answers.

    With `sets` (e.g. {"queue": "kafka"}) the project is re-rendered with those answers,
    at its recorded release unless vcs_ref names another: Copier's three-way update keeps
    the user's edits to files the change does not replace, deletes the files only the old
    answers produced, and leaves conflict markers where an edit meets a replaced line.
    """
    project = project.resolve()
    if not (project / ANSWERS_FILE).is_file():
        raise RenderError(f"{project} has no {ANSWERS_FILE}: not a generated project")
    changes = switched(project, sets) if sets else {}
    top = _git(project, "rev-parse", "--show-toplevel", check=False)
    if top is None or Path(top.strip()).resolve() != project:
        raise RenderError(f"{project} is not a git repository; run `git init` and commit first")
    if _git(project, "status", "--porcelain"):
        raise RenderError(f"{project} has uncommitted changes; commit or stash them first")
    try:
        with (
            _one_clone_per_ref(),
            _OneClone(
                dst_path=project,
                data=changes,
                defaults=True,
                overwrite=True,
                skip_answered=True,
                unsafe=False,
                quiet=True,
                conflict="inline",
                vcs_ref=vcs_ref or (VcsRef.CURRENT if changes else None),
            ) as worker,
        ):
            worker.run_update()
    except Exception as error:
        raise RenderError(_one_line(error)) from error
    result = Updated()
    status = _git(project, "status", "--porcelain", "--untracked-files=all") or ""
    for line in status.splitlines():
        path = Path(line[3:].strip().strip('"'))
        if "D" in line[:2]:
            result.removed.append(path)
        elif (project / path).is_file() and CONFLICT_MARK in (project / path).read_text(
            errors="replace"
        ):
            result.conflicts.append(path)
    return result


def _git(cwd: Path, *args: str, check: bool = True) -> str | None:
    """git's output, or None when it fails and check is false."""
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check)
    return proc.stdout if proc.returncode == 0 else None


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[-1] if text else type(error).__name__
