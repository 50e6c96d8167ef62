"""Hatch build hook: the wheel carries its templates compiled (stackwise.seed), so that the
first `stackwise new` after an install compiles nothing. Editable installs skip it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class SeedHook(BuildHookInterface[BuilderConfig]):
    seed: Path | None = None

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        self.seed = Path(tempfile.mkdtemp(prefix="stackwise-seed-")) / "_seed"
        env = {**os.environ, "PYTHONPATH": str(Path(self.root) / "src")}
        env.pop("STACKWISE_TEMPLATE", None)  # this source tree's own template
        subprocess.run(
            [sys.executable, "-m", "stackwise.seed", str(self.seed)],
            cwd=self.root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        build_data["force_include"][str(self.seed)] = "stackwise/_seed"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self.seed is not None:
            shutil.rmtree(self.seed.parent, ignore_errors=True)
