"""The suite's configuration, read from environment variables only."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _env_int(name: str) -> int | None:
    value = _env(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        pytest.fail(f"contract suite: {name}={value!r} is not an integer", pytrace=False)


@dataclass(frozen=True)
class ContractConfig:
    base_url: str
    database_url: str | None
    redis_url: str | None
    queue_prefix: str | None
    cache_ttl_seconds: int | None
    db_pool_max: int | None
    processes: int
    amqp_url: str | None
    kafka_brokers: str | None
    queue_override: str | None
    service_dir: str | None
    run_cmd: str | None

    @classmethod
    def from_env(cls) -> ContractConfig:
        base_url = _env("CONTRACT_BASE_URL")
        if base_url is None:
            pytest.fail(
                "contract suite: CONTRACT_BASE_URL is not set. Point it at a running service, "
                "e.g. CONTRACT_BASE_URL=http://127.0.0.1:8000 (see tests/contract/README.md).",
                pytrace=False,
            )
        return cls(
            base_url=base_url.rstrip("/"),
            database_url=_env("DATABASE_URL"),
            redis_url=_env("REDIS_URL"),
            queue_prefix=_env("QUEUE_PREFIX"),
            cache_ttl_seconds=_env_int("CACHE_TTL_SECONDS"),
            db_pool_max=_env_int("DB_POOL_MAX"),
            processes=_env_int("CONTRACT_PROCESSES") or 1,
            amqp_url=_env("AMQP_URL"),
            kafka_brokers=_env("KAFKA_BROKERS"),
            queue_override=_env("CONTRACT_QUEUE"),
            service_dir=_env("CONTRACT_SERVICE_DIR"),
            run_cmd=_env("CONTRACT_RUN_CMD"),
        )

    def require(self, *names: str) -> None:
        """Skip the calling test when a variable it needs to see a side effect is unset."""
        missing = [n for n in names if getattr(self, n.lower()) is None]
        if missing:
            pytest.skip(f"{', '.join(missing)} not set: cannot check this at the dependency")

    def cache_key(self, item_id: str) -> str:
        self.require("QUEUE_PREFIX")
        return f"{self.queue_prefix}:item:{item_id}"

    @property
    def broker(self) -> str | None:
        """`rabbitmq`, `kafka` or None, from AMQP_URL / KAFKA_BROKERS.

        CONTRACT_QUEUE decides when both are set.
        """
        if self.queue_override is not None:
            choice = self.queue_override.lower()
            if choice not in ("rabbitmq", "kafka"):
                pytest.fail(
                    f"CONTRACT_QUEUE must be rabbitmq or kafka, got {choice!r}", pytrace=False
                )
            return choice
        if self.amqp_url and self.kafka_brokers:
            pytest.fail(
                "both AMQP_URL and KAFKA_BROKERS are set: set CONTRACT_QUEUE=rabbitmq|kafka "
                "to say which broker the service uses",
                pytrace=False,
            )
        if self.amqp_url:
            return "rabbitmq"
        if self.kafka_brokers:
            return "kafka"
        return None
