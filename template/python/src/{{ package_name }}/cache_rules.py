"""The cache's rules, shared by the async and the sync Redis client (cache.py).

Cache-aside for items: key <QUEUE_PREFIX>:item:<id> (names.cache_key), TTL
CACHE_TTL_SECONDS. Redis trouble never fails a request: reads report BYPASS and go to
the database. Short socket timeouts and no retries keep a down Redis under a second;
after a failure, reads skip Redis for a moment instead of waiting on it each time. An
invalidation that failed is remembered and done before the next read, so Redis coming
back cannot serve a copy that a PUT or DELETE made stale meanwhile.

CacheRules holds that state and decides; cache.py only does the I/O. It is safe to
share between threads (the sync client) and between tasks (the async one).
"""

import logging
import threading
import time
from typing import TypedDict

from redis.exceptions import RedisError

from .names import cache_key
from .settings import Settings

log = logging.getLogger(__name__)

SOCKET_TIMEOUT_SECONDS = 0.3
PAUSE_AFTER_FAILURE_SECONDS = 1.0
MAX_PENDING_INVALIDATIONS = 10_000
ERRORS = (RedisError, OSError)
"""What a Redis call raises when Redis is away; cache.py catches exactly these."""


class ClientOptions(TypedDict):
    """Redis.from_url(...) keywords, for either client (each adds its own no-retry Retry)."""

    url: str
    socket_timeout: float
    socket_connect_timeout: float


def client_options(settings: Settings) -> ClientOptions:
    return {
        "url": settings.redis_url,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
    }


class CacheRules:
    def __init__(self, settings: Settings) -> None:
        self.prefix = settings.queue_prefix
        self.ttl = settings.cache_ttl_seconds
        self._paused_until = 0.0
        self._pending: set[str] = set()  # keys whose invalidation failed
        self._lock = threading.Lock()

    def key(self, item_id: str) -> str:
        return cache_key(self.prefix, item_id)

    @property
    def bypassing(self) -> bool:
        """Reads skip Redis for a moment after it failed."""
        return time.monotonic() < self._paused_until

    def failed(self, action: str, item_id: str | None, error: Exception) -> None:
        self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        log.warning("cache %s failed", action, extra={"item_id": item_id, "error": repr(error)})

    def invalidation_failed(self, key: str) -> None:
        with self._lock:
            if len(self._pending) < MAX_PENDING_INVALIDATIONS:
                self._pending.add(key)

    def stale_keys(self) -> list[str]:
        """Keys to delete before the next read (their invalidation failed earlier)."""
        with self._lock:
            return list(self._pending)

    def invalidated(self, keys: list[str]) -> None:
        with self._lock:
            self._pending.difference_update(keys)

    def recovered(self) -> None:
        """Redis answered a ping: stop bypassing it."""
        self._paused_until = 0.0
