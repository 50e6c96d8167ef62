"""PostgreSQL from Debian's packages: the cluster on port 5432, a `stackwise` superuser."""

from __future__ import annotations

import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

from stackwise.services.apt import as_root, as_user
from stackwise.services.base import HOST, Service, ServiceError, exchange, run

USER = PASSWORD = "stackwise"
PORT = 5432
LIB = Path("/usr/lib/postgresql")

ENSURE_ROLE = f"""
DO $$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{USER}') THEN
    ALTER ROLE {USER} WITH LOGIN SUPERUSER PASSWORD '{PASSWORD}';
  ELSE
    CREATE ROLE {USER} WITH LOGIN SUPERUSER PASSWORD '{PASSWORD}';
  END IF;
END $$;
"""


def database_url(database: str = "postgres") -> str:
    return f"postgresql://{USER}:{PASSWORD}@{HOST}:{PORT}/{database}"


@dataclass(frozen=True)
class Cluster:
    version: str
    name: str
    port: int
    online: bool


def parse_clusters(output: str) -> list[Cluster]:
    """Parse `pg_lsclusters --no-header`: version, name, port, status, owner, dirs."""
    clusters = []
    for line in output.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[2].isdigit():
            clusters.append(Cluster(fields[0], fields[1], int(fields[2]), fields[3] == "online"))
    return clusters


def startup_message(user: str, database: str) -> bytes:
    """A protocol 3.0 StartupMessage."""
    params = f"user\0{user}\0database\0{database}\0\0".encode()
    return struct.pack("!ii", 8 + len(params), 196608) + params


def accepts_logins(reply: bytes | None) -> bool:
    """The server asks for authentication ('R'): it is up and accepts connections; an
    'E' (e.g. "the database system is starting up") or nothing means not yet."""
    return reply == b"R"


class Postgres(Service):
    name = "postgres"
    port = PORT
    url = database_url()
    start_timeout = 60.0

    def missing_packages(self) -> list[str]:
        installed = shutil.which("pg_ctlcluster") and any(LIB.glob("*/bin/postgres"))
        return [] if installed else ["postgresql"]

    def probe(self) -> bool:
        reply = exchange(self.port, startup_message(USER, "postgres"), lambda s: s.recv(1))
        return accepts_logins(reply)

    def ready(self) -> bool:
        return self.probe() and self.can_login()

    def can_login(self) -> bool:
        try:
            run(
                ["psql", "-XtAq", "-c", "SELECT 1", database_url()],
                what="psql",
                env={"PGCONNECT_TIMEOUT": "3"},
                timeout=10,
            )
        except ServiceError:
            return False
        return True

    def cluster(self) -> Cluster:
        """The cluster on our port; created (newest installed version) if there is none."""
        clusters = parse_clusters(run(["pg_lsclusters", "--no-header"], what="pg_lsclusters"))
        for cluster in clusters:
            if cluster.port == self.port:
                return cluster
        versions = sorted((p.parent.parent.name for p in LIB.glob("*/bin/postgres")), key=float)
        if not versions:
            raise ServiceError("no PostgreSQL server installed")
        name = (
            "stackwise"
            if any(c.name == "main" and c.version == versions[-1] for c in clusters)
            else "main"
        )
        run(
            as_root(["pg_createcluster", versions[-1], name, "--port", str(self.port)]),
            what="pg_createcluster",
        )
        return Cluster(versions[-1], name, self.port, online=False)

    def start(self) -> None:
        cluster = self.cluster()
        if not cluster.online:
            run(
                as_root(["pg_ctlcluster", cluster.version, cluster.name, "start"]),
                what="pg_ctlcluster start",
                timeout=120,
            )

    def configure(self) -> None:
        if self.can_login():
            return
        run(
            as_user(
                "postgres",
                ["psql", "-Xq", "-p", str(self.port), "-v", "ON_ERROR_STOP=1", "-c", ENSURE_ROLE],
            ),
            what="creating role stackwise",
        )
        if not self.can_login():
            raise ServiceError(f"cannot log in as {USER} over TCP (check pg_hba.conf)")

    def stop(self) -> bool:
        if not shutil.which("pg_lsclusters"):
            return False
        clusters = parse_clusters(run(["pg_lsclusters", "--no-header"], what="pg_lsclusters"))
        ours = [c for c in clusters if c.port == self.port and c.online]
        for cluster in ours:
            run(
                as_root(["pg_ctlcluster", cluster.version, cluster.name, "stop", "-m", "fast"]),
                what="pg_ctlcluster stop",
                timeout=120,
            )
        return bool(ours)
