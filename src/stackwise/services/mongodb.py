"""A MongoDB-wire-compatible server: FerretDB v1, built once with Go from the module proxy,
storing its data in the local PostgreSQL (database `ferretdb`).

The PostgreSQL backend rather than SQLite: both passed the same pymongo checks (indexes,
find with sort/skip/limit, update, delete, aggregate), but PostgreSQL pushes filters down
to SQL and took 16 concurrent writers ten times faster, where SQLite serializes writes.
"""

from __future__ import annotations

import re
import shutil
import socket
import struct
from importlib import resources
from pathlib import Path

from stackwise.services import postgres
from stackwise.services.base import (
    HOST,
    Daemon,
    ServiceError,
    exchange,
    log,
    recv_exact,
    run,
)

PORT = 27017
DATABASE = "ferretdb"
OP_MSG = 2013
REQUEST_ID = 0x5747
MODULE = "github.com/FerretDB/FerretDB"
GO_FALLBACK = Path("/usr/local/go/bin/go")


def ping_request() -> bytes:
    """OP_MSG carrying {ping: 1, $db: "admin"}, BSON encoded by hand."""
    elements = b"\x10ping\x00" + struct.pack("<i", 1)
    elements += b"\x02$db\x00" + struct.pack("<i", 6) + b"admin\x00"
    document = struct.pack("<i", 4 + len(elements) + 1) + elements + b"\x00"
    body = struct.pack("<i", 0) + b"\x00" + document
    return struct.pack("<iiii", 16 + len(body), REQUEST_ID, 0, OP_MSG) + body


def read_message(sock: socket.socket) -> bytes:
    header = recv_exact(sock, 16)
    return header + recv_exact(sock, struct.unpack_from("<i", header)[0] - 16)


def ping_ok(reply: bytes | None) -> bool:
    """An OP_MSG answering our request whose document has ok: 1.0."""
    if reply is None or len(reply) < 21:
        return False
    _, _, response_to, opcode = struct.unpack_from("<iiii", reply)
    return (
        response_to == REQUEST_ID
        and opcode == OP_MSG
        and b"\x01ok\x00" + struct.pack("<d", 1.0) in reply[21:]
    )


def ferretdb_version(go_mod: str) -> str:
    match = re.search(rf"^\s*{re.escape(MODULE)} (v\S+)", go_mod, re.MULTILINE)
    if not match:
        raise ServiceError(f"go.mod does not require {MODULE}")
    return match[1]


def go() -> str:
    found = shutil.which("go") or (str(GO_FALLBACK) if GO_FALLBACK.exists() else None)
    if found is None:
        raise ServiceError("go not found; install Go 1.24+ to build FerretDB")
    return found


class MongoDB(Daemon):
    name = "mongodb"
    port = PORT
    url = f"mongodb://{HOST}:{PORT}/"
    start_timeout = 30.0
    requires = ("postgres",)
    marker = "ferretdb"

    def __init__(self, state: Path) -> None:
        super().__init__(state)
        self.module = resources.files("stackwise.services") / "data" / "ferretdb"
        self.version = ferretdb_version((self.module / "go.mod").read_text())
        self.binary = self.state / f"ferretdb-{self.version}"

    def probe(self) -> bool:
        return ping_ok(exchange(self.port, ping_request(), read_message))

    def prepare(self) -> None:
        if not self.binary.exists():
            self.build()

    def build(self) -> None:
        """`go mod vendor` the pinned module, stamp FerretDB's version file (its release
        builds generate it) and build a static binary; the vendor tree is then removed."""
        toolchain = go()
        log.info("mongodb: building FerretDB %s with Go (once, about a minute)", self.version)
        src = self.state / "build"
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir(parents=True)
        for name in ("go.mod", "go.sum"):
            (src / name).write_bytes((self.module / name).read_bytes())
        env = {"CGO_ENABLED": "0", "GOFLAGS": "", "GOTOOLCHAIN": "local"}
        run([toolchain, "mod", "vendor"], what="go mod vendor", env=env, cwd=src)
        version_dir = src / "vendor" / MODULE / "build" / "version"
        (version_dir / "version.txt").write_text(f"{self.version}\n")
        partial = self.state / f"{self.binary.name}.partial"
        run(
            [
                toolchain,
                "build",
                "-mod=vendor",
                "-trimpath",
                "-buildvcs=false",
                "-o",
                partial,
                f"{MODULE}/cmd/ferretdb",
            ],
            what="go build",
            env=env,
            cwd=src,
        )
        partial.rename(self.binary)
        shutil.rmtree(src)

    def start(self) -> None:
        ensure_database()
        self.launch(
            [
                self.binary,
                "--handler=postgresql",
                f"--postgresql-url={postgres.database_url(DATABASE)}",
                f"--listen-addr={HOST}:{self.port}",
                "--debug-addr=-",
                "--telemetry=disable",
                f"--state-dir={self.state}",
            ]
        )


def ensure_database() -> None:
    """Create FerretDB's PostgreSQL database unless it exists."""
    admin = postgres.database_url()
    found = run(
        ["psql", "-XtAq", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", admin],
        what="psql",
    )
    if found.strip() != "1":
        run(
            ["psql", "-Xq", "-c", f"CREATE DATABASE {DATABASE}", admin],
            what=f"creating database {DATABASE}",
        )
