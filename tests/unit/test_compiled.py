"""Compiled templates kept for the run and between runs (stackwise.compiled): a kept
compile never serves another source, another environment's settings, or stale state of
an extension, and a cache that cannot be written costs nothing but the speed."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import copier
import pytest
from jinja2 import Environment

from stackwise import compiled
from stackwise.render import render


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "cache"
    monkeypatch.setenv("STACKWISE_CACHE", str(home))
    compiled._cache_for.cache_clear()
    yield home
    compiled._cache_for.cache_clear()


def test_a_string_is_compiled_once_and_kept_on_disk(cache_home: Path) -> None:
    env = Environment()
    from_string = compiled.from_string_once(env)
    first = from_string("{{ x }}!")
    assert from_string("{{ x }}!") is first
    assert first.render(x=1) == "1!" and from_string("{{ x }}?").render(x=2) == "2?"
    stored = list((cache_home / "jinja").rglob("*.cache"))
    assert len(stored) == 2
    # another run: the code comes from disk and renders the same
    assert compiled.from_string_once(Environment())("{{ x }}!").render(x=3) == "3!"


def test_settings_that_change_the_code_get_their_own_cache() -> None:
    source = "{% if x %}yes{% endif %}\n"
    plain = compiled.compile_string(Environment(), source).render(x=True)
    kept = compiled.compile_string(Environment(keep_trailing_newline=True), source)
    trimmed = compiled.compile_string(Environment(trim_blocks=True), source)
    assert (plain, kept.render(x=True), trimmed.render(x=True)) == ("yes", "yes\n", "yes")


def test_an_unwritable_cache_only_compiles(cache_home: Path) -> None:
    cache_home.parent.mkdir(parents=True, exist_ok=True)
    cache_home.write_text("a file where the folder would go")
    assert compiled.bytecode_cache(Environment()) is None
    assert compiled.from_string_once(Environment())("{{ 6 * 7 }}").render() == "42"


def test_copier_yield_paths_render_alike_cold_and_warm(tmp_path: Path) -> None:
    """Copier's `yield` tag resets its state when a template compiles; a kept compile
    still resets it, so the file after a yielded folder is not taken for a yield."""
    template = tmp_path / "template"
    folder = template / "{% yield name from names %}{{ name }}{% endyield %}"
    folder.mkdir(parents=True)
    (folder / "README.md.jinja").write_text("{{ name }} of {{ names | length }}\n")
    (template / "after.txt.jinja").write_text("{{ names | join(',') }}\n")
    (template / "copier.yml").write_text(
        "_templates_suffix: .jinja\nnames:\n  type: yaml\n  default: [a, b]\n"
    )
    trees = []
    for run in ("cold", "warm"):
        dest = tmp_path / run / "svc"
        render(dest, {}, template=template, vcs_ref=None)
        trees.append(sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()))
        assert (dest / "a" / "README.md").read_text() == "a of 2\n"
        assert (dest / "after.txt").read_text() == "a,b\n"
    assert trees[0] == trees[1]
    plain = tmp_path / "plain"
    copier.run_copy(str(template), str(plain), defaults=True, quiet=True)
    assert sorted(str(p.relative_to(plain)) for p in plain.rglob("*") if p.is_file()) == trees[0]


def test_a_template_read_from_another_folder_is_not_compiled_again(
    tmp_path: Path, cache_home: Path
) -> None:
    """Copier reads a git template from a new temporary clone every run: the kept code
    is found by the template's name and source, not by the clone's path."""
    stored = []
    for clone in ("clone-1", "clone-2"):
        template = tmp_path / clone
        template.mkdir()
        (template / "copier.yml").write_text("_templates_suffix: .jinja\nname: svc\n")
        (template / "README.md.jinja").write_text("# {{ name }}\n")
        dest = tmp_path / f"from-{clone}" / "svc"
        render(dest, {}, template=template, vcs_ref=None)
        assert (dest / "README.md").read_text() == "# svc\n"
        stored.append(sorted(p.name for p in (cache_home / "jinja").rglob("*.cache")))
    assert stored[0] == stored[1]
    edited = tmp_path / "clone-2" / "README.md.jinja"
    edited.write_text("# {{ name }}!\n")
    render(tmp_path / "edited" / "svc", {}, template=edited.parent, vcs_ref=None)
    assert (tmp_path / "edited" / "svc" / "README.md").read_text() == "# svc!\n"


def test_a_seeded_install_renders_without_compiling(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the wheel ships (stackwise.seed): templates compiled as Python source. With an
    empty cache, a render reads them instead of compiling, and renders the same."""
    template = tmp_path / "template"
    (template / "{{ name }}").mkdir(parents=True)
    (template / "{{ name }}" / "README.md.jinja").write_text("# {{ name | upper }}\n")
    (template / "copier.yml").write_text(
        "_templates_suffix: .jinja\nname:\n  type: str\n  default: \"{{ 'svc' }}\"\n"
    )
    monkeypatch.setattr(compiled, "_seeding", None)
    monkeypatch.setattr(compiled, "SEED", "seed_for_test")
    monkeypatch.syspath_prepend(str(tmp_path))
    compiled.seed_into(tmp_path / "seed_for_test")
    render(tmp_path / "seeding" / "svc", {}, template=template, vcs_ref=None)
    assert (
        len(list((tmp_path / "seed_for_test").rglob("t*.py")))
        == len(list(cache_home.rglob("*.cache")))
        > 1
    )

    monkeypatch.setattr(compiled, "_seeding", None)
    monkeypatch.setattr(compiled, "_codes", {})
    monkeypatch.setenv("STACKWISE_CACHE", str(tmp_path / "empty"))
    compiled._cache_for.cache_clear()
    importlib.invalidate_caches()
    render(tmp_path / "seeded" / "svc", {}, template=template, vcs_ref=None)
    assert (tmp_path / "seeded" / "svc" / "svc" / "README.md").read_text() == "# SVC\n"
    assert not list((tmp_path / "empty").rglob("*.cache"))
