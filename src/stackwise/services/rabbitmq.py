"""RabbitMQ from Debian's `rabbitmq-server`, detached, AMQP on loopback."""

from __future__ import annotations

import shutil
from pathlib import Path

from stackwise.services.base import HOST, Service, exchange, recv_exact, run

PROTOCOL_HEADER = b"AMQP\x00\x00\x09\x01"
SBIN = Path("/usr/sbin")
ENV = {
    "RABBITMQ_NODE_IP_ADDRESS": HOST,
    "RABBITMQ_NODE_PORT": "5672",
    "ERL_EPMD_ADDRESS": HOST,
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
}


def is_connection_start(frame: bytes | None) -> bool:
    """A method frame (type 1) on channel 0 carrying Connection.Start (class 10, method 10)."""
    return frame is not None and frame[:3] == b"\x01\x00\x00" and frame[7:11] == b"\x00\x0a\x00\x0a"


def tool(name: str) -> str:
    """rabbitmq-server and rabbitmqctl live in /usr/sbin, which a user's PATH may lack."""
    return shutil.which(name) or str(SBIN / name)


class RabbitMQ(Service):
    name = "rabbitmq"
    port = 5672
    url = f"amqp://guest:guest@{HOST}:5672/"
    start_timeout = 90.0

    def missing_packages(self) -> list[str]:
        return [] if Path(tool("rabbitmq-server")).exists() else ["rabbitmq-server"]

    def probe(self) -> bool:
        return is_connection_start(
            exchange(self.port, PROTOCOL_HEADER, lambda s: recv_exact(s, 11))
        )

    def start(self) -> None:
        run([tool("rabbitmq-server"), "-detached"], what="rabbitmq-server", env=ENV, timeout=60)

    def failure(self) -> str:
        return f"not answering on port {self.port}; see /var/log/rabbitmq/"

    def stop(self) -> bool:
        if not self.probe():
            return False
        run([tool("rabbitmqctl"), "shutdown"], what="rabbitmqctl shutdown", env=ENV, timeout=120)
        return True
