"""The partials follow the catalog: each variant folder has exactly the optional hook files
its catalog entry declares, every partial is included from somewhere (a misnamed file
would be silently unused), and includes run one way, framework → orm → shared."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from stackwise.questionnaire import Questionnaire, template_root

ROOT = template_root()
CATALOG = Questionnaire.load().catalog
KINDS = {"framework": "frameworks", "orm": "orms"}


@cache
def sources() -> str:
    files = [*(ROOT / "template").rglob("*"), *(ROOT / "partials").rglob("*.jinja")]
    return "\n".join(f.read_text() for f in files if f.is_file() and f.suffix == ".jinja")


def hook_names(kind: str) -> set[str]:
    """The hooks the templates include when a variant declares them."""
    return set(re.findall(rf"'([\w.-]+)' in {kind}_hooks", sources()))


VARIANTS = [
    (language, kind, name, entry)
    for language, lang in CATALOG["languages"].items()
    for kind, key in KINDS.items()
    for name, entry in lang[key].items()
    if (ROOT / "partials" / language / kind / name).is_dir()
]


@pytest.mark.parametrize(
    ("language", "kind", "name", "entry"), VARIANTS, ids=[f"{v[0]}/{v[1]}/{v[2]}" for v in VARIANTS]
)
def test_declared_hooks_are_the_hook_files(
    language: str, kind: str, name: str, entry: dict[str, object]
) -> None:
    folder = ROOT / "partials" / language / kind / name
    declared = set(entry.get("hooks", []))  # type: ignore[call-overload]
    assert declared <= hook_names(kind), f"declared hooks no template includes: {declared}"
    present = {f.name.removesuffix(".jinja") for f in folder.iterdir() if f.is_file()}
    assert declared == present & hook_names(kind), f"{folder}: {sorted(present)}"


def test_every_partial_is_included() -> None:
    text = sources()

    def included(path: Path) -> bool:
        relative = path.relative_to(ROOT)
        # or by a variable: "partials/shared/compose/" ~ service ~ ".yml.jinja"
        suffix = path.name[path.name.index(".") :]
        by_variable = f'"{relative.parent}/" ~' in text and f'~ "{suffix}"' in text
        return f'/{path.name}"' in text or f'"{relative}"' in text or by_variable

    unused = [str(p.relative_to(ROOT)) for p in (ROOT / "partials").rglob("*.jinja")]
    assert [p for p in unused if not included(ROOT / p)] == []


def test_includes_run_from_framework_to_orm_to_shared() -> None:
    include = re.compile(r'(?:include|import) "partials/(\w+)/(\w+)/')
    for path in (ROOT / "partials").rglob("*.jinja"):
        parts = path.relative_to(ROOT / "partials").parts
        for language, kind in include.findall(path.read_text()):
            if parts[1:2] == ("orm",):
                assert kind != "framework", f"{path}: an ORM partial includes a framework one"
            if parts[0] == "shared":
                assert (language, kind) != ("shared", "skeleton") or parts[1] != "compose", path


def test_no_variant_name_in_file_names() -> None:
    """Conditional file names test facts (io, worker, provides), never a variant's name."""
    names = {"framework", "orm", "queue", "database"}
    for path in (ROOT / "template").rglob("*"):
        for test in re.findall(r"\{%\s*if (.*?)%\}", str(path.relative_to(ROOT))):
            assert not any(re.search(rf"\b{n}\s*[!=]=", test) for n in names), path
