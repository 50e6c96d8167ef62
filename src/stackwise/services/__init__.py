"""Local services on loopback without Docker: PostgreSQL, Redis, RabbitMQ, Kafka (KRaft)
and a MongoDB-wire-compatible FerretDB, installed and started idempotently.

    from stackwise.services import up, down, status, urls
    up(["postgres", "redis"])  # {name: ServiceStatus}, raises ServicesError on failure
"""

from stackwise.services.base import ServiceError, ServiceStatus, home
from stackwise.services.manager import NAMES, ServicesError, down, status, up, urls

__all__ = [
    "NAMES",
    "ServiceError",
    "ServiceStatus",
    "ServicesError",
    "down",
    "home",
    "status",
    "up",
    "urls",
]
