"""`stackwise new --local-env`: a `.env` that points a new project at `stackwise services up`.

Starts the stack's services (idempotently), creates the project's own database, and
writes `.env` from the project's `.env.example` with the service URLs of this machine,
so `make setup migrate test run` works as printed.
"""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path
from typing import Any


class LocalEnvError(RuntimeError):
    """The local services could not be prepared; the message is one line for the user."""


def write(project: Path, answers: dict[str, Any], catalog: dict[str, Any]) -> Path:
    try:
        from stackwise.services import ServicesError, up, urls
    except ImportError as error:  # pragma: no cover - the services need no extra today
        raise LocalEnvError(f"the local services are unavailable: {error}") from error
    database = catalog["databases"][answers["database"]]
    queue = catalog["queues"][answers["queue"]]
    try:
        up([database["service"], "redis", queue["service"]])
    except ServicesError as error:
        raise LocalEnvError(f"stackwise services up failed: {error}") from error
    found = urls()
    name = str(answers["package_name"])
    server = found[database["service"]].rstrip("/")
    if answers["database"] == "postgresql":  # the URL names the admin database
        server = server.rsplit("/", 1)[0]
        _create_postgres_database(found[database["service"]], name)
    values = {"DATABASE_URL": f"{server}/{name}", "REDIS_URL": found["redis"]}
    values |= {variable: found[queue["service"]] for variable in queue["env"]}
    framework = catalog["languages"][answers["language"]]["frameworks"][answers["framework"]]
    values |= {secret: secrets.token_urlsafe(50) for secret in framework.get("secrets", [])}
    lines = []
    for line in (project / ".env.example").read_text().splitlines():
        key = line.split("=", 1)[0]
        if key in values:
            line = f"{key}={values.pop(key)}"
        lines.append(line)
    lines += [f"{key}={value}" for key, value in values.items()]
    target = project / ".env"
    target.write_text(
        "# Written by `stackwise new --local-env`: the services of `stackwise services up`.\n"
        + "\n".join(lines)
        + "\n"
    )
    return target


def _create_postgres_database(admin_url: str, name: str) -> None:
    proc = subprocess.run(
        ["psql", admin_url, "-qc", f'CREATE DATABASE "{name}"'],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 and "already exists" not in proc.stderr:
        raise LocalEnvError(f"could not create database {name}: {proc.stderr.strip()}")
