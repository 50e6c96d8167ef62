"""Hatch build hook: the wheel carries its templates compiled (stackwise.seed), so that the
first `stackwise new` after an install compiles nothing. Editable installs skip it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class SeedHook(BuildHookInterface[BuilderConfig]):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        seed = Path(self.root) / "build" / "seed"
        shutil.rmtree(seed, ignore_errors=True)
        env = {**os.environ, "PYTHONPATH": str(Path(self.root) / "src")}
        env.pop("STACKWISE_TEMPLATE", None)  # this source tree's own template
        subprocess.run(
            [sys.executable, "-m", "stackwise.seed", str(seed)],
            cwd=self.root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        build_data["force_include"][str(seed)] = "stackwise/_seed"
