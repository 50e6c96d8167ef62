"""`stackwise new --local-env`: the next step it prints runs as written, against the
services of `stackwise services up`, with nothing but the project's own .env."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackwise import toolchains
from stackwise.cli import app

CONTRACT_VARIABLES = ("DATABASE_URL", "REDIS_URL", "AMQP_URL", "KAFKA_BROKERS", "QUEUE_PREFIX")


@pytest.mark.smoke
@pytest.mark.services
def test_local_env_makes_the_printed_next_step_work(tmp_path: Path) -> None:
    project = tmp_path / "local-svc"
    result = CliRunner().invoke(app, ["new", str(project), "--defaults", "--ml-ai", "--local-env"])
    assert result.exit_code == 0, result.output
    assert f"next: cd {project} && make setup migrate test" in result.output
    env = {k: v for k, v in os.environ.items() if k not in CONTRACT_VARIABLES}
    env = toolchains.environment("python", env)
    for target in ("setup", "migrate", "test"):
        proc = subprocess.run(
            ["make", target], cwd=project, env=env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, f"make {target}\n{proc.stdout}{proc.stderr}"
    assert "passed" in proc.stdout and "skipped" not in proc.stdout.splitlines()[-1]
