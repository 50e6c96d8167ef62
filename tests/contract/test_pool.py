"""Connection pool: under concurrent load the database never sees more than DB_POOL_MAX
connections from the service (PostgreSQL: pg_stat_activity)."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from .settings import ContractConfig

LOAD_SECONDS = 3.0
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


class Sampler(threading.Thread):
    """Samples the database's client connection count until stopped."""

    def __init__(self, conninfo: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(**conninfo, autocommit=True)
        self.dbname = conninfo["dbname"]
        self.samples: list[int] = []
        self.error: BaseException | None = None
        self.stop = threading.Event()

    def count(self) -> int:
        row = self.conn.execute(COUNT_SQL, (self.dbname,)).fetchone()
        assert row is not None
        return int(row[0])

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
        self.conn.close()


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
    if is_mongo(config):
        pytest.skip("MongoDB: the connection-count check is done for PostgreSQL only")
    config.require("DATABASE_URL", "DB_POOL_MAX")
    if not is_postgres(config):
        pytest.skip(f"DATABASE_URL is neither PostgreSQL nor MongoDB: {config.database_url!r}")
    assert config.db_pool_max is not None and config.db_pool_max >= 1
    pool_max = config.db_pool_max
    concurrency = min(200, max(60, 3 * pool_max))
    for _ in range(3):
        create_item(description="pool")

    def path(n: int) -> str:
        # Lists and unknown ids always reach the database (neither is cached).
        if n % 2:
            return f"/items?limit=50&offset={n % 7}"
        return f"/items/{uuid.uuid4()}"

    sampler = Sampler(pg_conninfo(config.database_url or ""))
    try:
        baseline = sampler.count()
        sampler.start()
        statuses = asyncio.run(fire(config.base_url, concurrency, path))
        time.sleep(0.1)
    finally:
        sampler.close()
    assert sampler.error is None, f"sampling pg_stat_activity failed: {sampler.error!r}"
    assert sampler.samples, "no connection-count sample was taken"
    peak = max(sampler.samples)
    bad = sorted({s for s in statuses if s not in (200, 404)})
    assert not bad, f"under {concurrency} concurrent requests the service answered {bad}"
    assert peak <= pool_max, (
        f"{peak} connections to the database under load (baseline {baseline}), "
        f"DB_POOL_MAX={pool_max}; {len(sampler.samples)} samples, {len(statuses)} requests"
    )
    assert peak >= 1, "the service held no database connection while serving requests"
