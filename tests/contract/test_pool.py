"""Connection pool: under concurrent load the database never sees more than DB_POOL_MAX
connections from each service process (CONTRACT_PROCESSES, default 1).

PostgreSQL: client backends on the service's database in pg_stat_activity. MongoDB: the
established TCP connections to the server, plus the two monitoring connections per
process that MongoDB drivers hold outside their pool (server discovery and monitoring
spec: one to stream server state, one to measure round trips)."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from .settings import ContractConfig

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MONGO_MONITOR_CONNECTIONS = 2
LOAD_SECONDS = 3.0
HELD_SAMPLES = 3  # a count must hold this many samples in a row to be the peak
MAX_ROUNDS = 10

COUNT_SQL = """
select count(*) from pg_stat_activity
where datname = %s and pid <> pg_backend_pid() and backend_type = 'client backend'
"""


def pg_conninfo(database_url: str) -> dict[str, Any]:
    """libpq keyword arguments from DATABASE_URL, ignoring driver-specific query options."""
    parts = urlsplit(database_url)
    scheme = parts.scheme.split("+")[0]
    assert scheme in ("postgresql", "postgres"), f"not a PostgreSQL URL: {scheme}://…"
    dbname = unquote(parts.path.lstrip("/"))
    assert dbname, "DATABASE_URL names no database"
    info: dict[str, Any] = {"dbname": dbname, "connect_timeout": 5}
    if parts.hostname:
        info["host"] = parts.hostname
    if parts.port:
        info["port"] = parts.port
    if parts.username:
        info["user"] = unquote(parts.username)
    if parts.password:
        info["password"] = unquote(parts.password)
    return info


def is_postgres(config: ContractConfig) -> bool:
    return bool(config.database_url) and urlsplit(config.database_url or "").scheme.split("+")[
        0
    ] in ("postgresql", "postgres")


def is_mongo(config: ContractConfig) -> bool:
    return (config.database_url or "").startswith(("mongodb://", "mongodb+srv://"))


class PostgresCounter:
    """Client backends on the service's database, from pg_stat_activity."""

    def __init__(self, database_url: str) -> None:
        import psycopg

        conninfo = pg_conninfo(database_url)
        self.conn = psycopg.connect(**conninfo, autocommit=True)
        self.dbname = conninfo["dbname"]

    def __call__(self) -> int:
        row = self.conn.execute(COUNT_SQL, (self.dbname,)).fetchone()
        assert row is not None
        return int(row[0])

    def close(self) -> None:
        self.conn.close()


class MongoCounter:
    """Established TCP connections from this host to the MongoDB server, from the kernel's
    socket tables. A server does not tell one client's connections from another's, so
    this needs the service on this host; with CONTRACT_SERVICE_DIR only the sockets of
    processes working in that directory count (other clients of the server may run),
    without it no other client of that server may be running."""

    def __init__(self, database_url: str, service_dir: str | None) -> None:
        parts = urlsplit(database_url)
        if parts.scheme != "mongodb" or "," in parts.netloc:
            pytest.skip("MongoDB pool check: needs a single-host mongodb:// DATABASE_URL")
        port = parts.port or 27017
        infos = socket.getaddrinfo(parts.hostname or "localhost", port, type=socket.SOCK_STREAM)
        self.server = {(ipaddress.ip_address(info[4][0]), port) for info in infos}
        self.service_dir = Path(service_dir).resolve() if service_dir else None

    def __call__(self) -> int:
        owned = service_sockets(self.service_dir) if self.service_dir else None
        return sum(
            1
            for remote, inode in established_remotes()
            if remote in self.server and (owned is None or inode in owned)
        )

    def close(self) -> None:
        pass


def service_sockets(directory: Path) -> set[int]:
    """Inodes of the sockets open in processes whose working directory is `directory` or
    below (`make run` and `make worker` run there, and so do their children)."""
    inodes: set[int] = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cwd = (proc / "cwd").resolve(strict=True)
            if cwd != directory and directory not in cwd.parents:
                continue
            links = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
        except OSError:  # gone, or not ours to read
            continue
        inodes.update(int(link[8:-1]) for link in links if link.startswith("socket:["))
    return inodes


def established_remotes() -> Iterator[tuple[tuple[IPAddress, int], int]]:
    """The remote end and the socket inode of every established TCP connection in this
    network namespace."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] != "01":  # TCP_ESTABLISHED
                continue
            address, port = fields[2].split(":")
            yield (kernel_address(address), int(port, 16)), int(fields[9])


def kernel_address(hex_address: str) -> IPAddress:
    """/proc/net/tcp{,6} print addresses as 32-bit words in host byte order."""
    raw = b"".join(
        int(hex_address[i : i + 8], 16).to_bytes(4, sys.byteorder)
        for i in range(0, len(hex_address), 8)
    )
    address = ipaddress.ip_address(raw)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class Sampler(threading.Thread):
    """Samples a connection count until stopped."""

    def __init__(self, count: Callable[[], int]) -> None:
        super().__init__(daemon=True)
        self.count = count
        self.samples: list[int] = []
        self.error: BaseException | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.samples.append(self.count())
                time.sleep(0.01)
        except BaseException as exc:  # reported by the test
            self.error = exc

    def close(self) -> None:
        self.stop.set()
        self.join(timeout=5)


def held_peak(samples: list[int]) -> int:
    """The highest count seen in HELD_SAMPLES samples in a row (about 30 ms or more).

    A leak or a connection per request holds; a socket that a driver replaces while the
    old one is still closing (a pool cleared after a slow monitor check, say) does not.
    """
    if len(samples) < HELD_SAMPLES:
        return max(samples)
    return max(min(samples[i : i + HELD_SAMPLES]) for i in range(len(samples) - HELD_SAMPLES + 1))


async def fire(base_url: str, concurrency: int, paths: Callable[[int], str]) -> list[int]:
    """Rounds of `concurrency` simultaneous GETs for up to LOAD_SECONDS; the status codes."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    statuses: list[int] = []
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=15.0) as client:
        end = time.monotonic() + LOAD_SECONDS
        for _ in range(MAX_ROUNDS):
            responses = await asyncio.gather(*(client.get(paths(n)) for n in range(concurrency)))
            statuses.extend(r.status_code for r in responses)
            if time.monotonic() >= end:
                break
    return statuses


@pytest.mark.pool
@pytest.mark.dependency
def test_connections_never_exceed_pool_max(
    config: ContractConfig, create_item: Callable[..., dict[str, Any]]
) -> None:
    config.require("DATABASE_URL", "DB_POOL_MAX")
    assert config.db_pool_max is not None and config.db_pool_max >= 1
    # Each service process has its own pool.
    limit = config.db_pool_max * config.processes
    counter: PostgresCounter | MongoCounter
    if is_postgres(config):
        counter = PostgresCounter(config.database_url or "")
    elif is_mongo(config):
        if urlsplit(config.base_url).hostname not in LOOPBACK:
            pytest.skip("MongoDB pool check: needs the service on this host (CONTRACT_BASE_URL)")
        counter = MongoCounter(config.database_url or "", config.service_dir)
        # MongoDB drivers keep their server monitors' connections outside the pool.
        limit += MONGO_MONITOR_CONNECTIONS * config.processes
    else:
        pytest.skip(f"DATABASE_URL is neither PostgreSQL nor MongoDB: {config.database_url!r}")
    concurrency = min(200, max(60, 3 * limit))
    for _ in range(3):
        create_item(description="pool")

    def path(n: int) -> str:
        # Lists and unknown ids always reach the database (neither is cached).
        if n % 2:
            return f"/items?limit=50&offset={n % 7}"
        return f"/items/{uuid.uuid4()}"

    sampler = Sampler(counter)
    try:
        baseline = counter()
        sampler.start()
        statuses = asyncio.run(fire(config.base_url, concurrency, path))
        time.sleep(0.1)
    finally:
        sampler.close()
        counter.close()
    assert sampler.error is None, f"counting connections failed: {sampler.error!r}"
    assert sampler.samples, "no connection-count sample was taken"
    peak = held_peak(sampler.samples)
    bad = sorted({s for s in statuses if s not in (200, 404)})
    assert not bad, f"under {concurrency} concurrent requests the service answered {bad}"
    assert peak <= limit, (
        f"{peak} connections to the database under load (baseline {baseline}), at most "
        f"{limit} allowed (DB_POOL_MAX={config.db_pool_max}, {config.processes} process(es)); "
        f"{len(sampler.samples)} samples, {len(statuses)} requests; samples: {sampler.samples}"
    )
    assert peak >= 1, "the service held no database connection while serving requests"
