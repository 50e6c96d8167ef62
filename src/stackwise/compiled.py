"""Compiled Jinja kept for the rest of the run and between runs, as Python keeps
__pycache__.

Compiling is most of what rendering a project costs: about a hundred template files and
a few hundred template strings (questions, path parts) a project, most strings several
times, since Copier compiles a string anew on every render. Here a string is compiled
once a run, and Jinja's bytecode cache keeps the compiled code of files and strings
under stackwise's cache directory (`jinja/`), one folder per environment configuration
(what changes the compiled code besides the source), keyed by the source's checksum, so
a changed template is compiled afresh. The folder can be deleted at any time.

The wheel also carries the templates compiled when it was built (`stackwise._seed`, made
by `python -m stackwise.seed` from hatch_build.py) as Python source, which the installer
byte-compiles like any module: an empty cache, the first run after an install, reads them
instead of compiling. Jinja's own bytecode cannot ship, since it belongs to one Python
version.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
from collections.abc import Callable, MutableMapping
from contextlib import suppress
from functools import cache
from hashlib import sha1
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, Template, nodes
from jinja2.bccache import Bucket

from stackwise.toolchains import cache_dir

FromString = Callable[..., Template]


SEED = "stackwise._seed"


class _Cache(FileSystemBytecodeCache):
    def __init__(self, directory: Path, configuration: str) -> None:
        super().__init__(str(directory))
        self.configuration = configuration

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        # Keyed by name and source, not by the file's path as Jinja's own key is: Copier
        # reads a git template from a fresh clone in a temporary directory every run.
        key = sha1(f"{name}\0{source}".encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        if bucket.code is None:
            bucket.code = _seeded(self.configuration, key)
        if bucket.code is not None:
            _as_compiled(environment, source)
        elif _seeding is not None:  # a string (compile_string) has no file, and no name
            _seeding[key] = (name if filename is not None else None, source)
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        super().set_bucket(bucket)
        if _seeding is not None and bucket.key in _seeding:
            name, source = _seeding.pop(bucket.key)
            module = _seed_dir / f"c{self.configuration}" / f"t{bucket.key}.py"
            module.parent.mkdir(parents=True, exist_ok=True)
            (module.parent / "__init__.py").touch()
            module.write_text(bucket.environment.compile(source, name, raw=True))


def _seeded(configuration: str, key: str) -> CodeType | None:
    """The template's code from the wheel's seed, or None (not in it, or no seed: a
    checkout). Read through the import system, so from the installer's .pyc."""
    try:
        spec = importlib.util.find_spec(f"{SEED}.c{configuration}.t{key}")
    except ImportError:
        return None
    if spec is None or not isinstance(spec.loader, importlib.abc.InspectLoader):
        return None
    return spec.loader.get_code(spec.name)


# Set by seed_into(): templates compiled afresh, by cache key: (their name, their source).
_seeding: dict[str, tuple[str | None, str]] | None = None
_seed_dir = Path()


def seed_into(directory: Path) -> None:
    """From now on, also write each template compiled afresh into directory as a module
    of the seed package (Jinja's generated Python source); the cache must start empty."""
    global _seeding, _seed_dir
    _seeding, _seed_dir = {}, directory
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "__init__.py").touch()


def _as_compiled(env: Environment, source: str) -> None:
    """Run the extensions' preprocess hooks, as a compile does first: an extension may
    reset its state there (Copier's `yield` tag does)."""
    env.preprocess(source)


def _configuration(env: Environment) -> str:
    settings = (
        type(env).__module__,
        type(env).__qualname__,
        jinja2.__version__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        sorted(env.extensions),
        env.optimized,
        env.autoescape if isinstance(env.autoescape, bool) else "callable",
        getattr(env.finalize, "__qualname__", env.finalize),
        env.is_async,
    )
    return sha1(repr(settings).encode()).hexdigest()[:16]


def bytecode_cache(env: Environment) -> BytecodeCache | None:
    """The cache for env's configuration, or None where its folder cannot be made
    (everything is compiled then, as without a cache)."""
    return _cache_for(_configuration(env))


@cache
def _cache_for(configuration: str) -> BytecodeCache | None:
    try:
        directory = cache_dir() / "jinja" / configuration
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _Cache(directory, configuration)


def _has_syntax(env: Environment, source: str) -> bool:
    """Whether source is more than text (a path part such as `src`, a type name): plain
    text compiles at once, and reading it from the cache would cost more."""
    starts = (env.block_start_string, env.variable_start_string, env.comment_start_string)
    return any(start in source for start in starts) or bool(
        env.line_statement_prefix or env.line_comment_prefix
    )


# Code compiled in this run, by environment configuration and source: Copier makes a new
# environment for each worker and each template (five of each in an update).
_codes: dict[tuple[str, str], CodeType] = {}


def compile_string(env: Environment, source: str) -> Template:
    """env.from_string(source), its code kept for the run and in the bytecode cache."""
    key = (_configuration(env), source)
    if key in _codes:
        _as_compiled(env, source)
    else:
        _codes[key] = _compile(env, source)
    return env.template_class.from_code(env, _codes[key], env.make_globals(None))


def _compile(env: Environment, source: str) -> CodeType:
    store = bytecode_cache(env)
    if store is None or not _has_syntax(env, source):
        return env.compile(source)
    bucket = store.get_bucket(env, sha1(source.encode()).hexdigest(), None, source)
    if bucket.code is None:
        bucket.code = env.compile(source)
        with suppress(OSError):  # a full or read-only disk: compiled again next run
            store.set_bucket(bucket)
    return bucket.code


def from_string_once(env: Environment) -> FromString:
    """A replacement for env.from_string that compiles each source once a run, through
    the bytecode cache; a call with globals or a template class goes to the original."""
    original = env.from_string
    templates: dict[str, Template] = {}

    def from_string(
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[Template] | None = None,
    ) -> Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return original(source, globals, template_class)
        if source in templates:
            _as_compiled(env, source)
            return templates[source]
        templates[source] = template = compile_string(env, source)
        return template

    return from_string
