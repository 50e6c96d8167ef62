"""stackwise: a backend project generator (Copier template plus CLI)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec

try:
    __version__ = version("stackwise")  # pyproject.toml's, the one place it is written
except PackageNotFoundError:  # a checkout on PYTHONPATH, never installed
    __version__ = "0.0.0"


def require_extra(extra: str, *modules: str) -> None:
    """Exit with one line naming the extra to install if any of the modules is missing."""
    missing = [m for m in modules if find_spec(m) is None]
    if missing:
        raise SystemExit(
            f"error: this command needs {', '.join(missing)}: pip install 'stackwise[{extra}]'"
        )
