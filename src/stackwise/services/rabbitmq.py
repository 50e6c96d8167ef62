"""RabbitMQ from Debian's `rabbitmq-server`, detached, AMQP on loopback."""

from __future__ import annotations

import os
import pwd
import resource
import shutil
from pathlib import Path

from stackwise.services.base import HOST, Service, exchange, recv_exact, run

OPEN_FILES = 65536
USER = "rabbitmq"  # the system user Debian's package creates
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


def as_server() -> None:
    """The server's process: more descriptors, and root's start switched to the rabbitmq
    user here rather than by Debian's wrapper, whose `su` resets the limit to 1024.

    Every AMQP connection holds a descriptor; at 1024 a busy test run used them all and
    RabbitMQ stopped answering handshakes without a word. Debian's unit sets 65536, as
    this does (or the hard limit, where that is lower).
    """
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES if hard == resource.RLIM_INFINITY else min(hard, OPEN_FILES)
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if os.getuid() == 0:
        user = pwd.getpwnam(USER)
        os.setgid(user.pw_gid)
        os.initgroups(USER, user.pw_gid)
        os.setuid(user.pw_uid)


def server_env() -> dict[str, str]:
    """ENV, with the rabbitmq user's home (its Erlang cookie) when root starts it."""
    if os.getuid() != 0:
        return ENV
    return {**ENV, "HOME": pwd.getpwnam(USER).pw_dir, "USER": USER, "LOGNAME": USER}


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
        run(
            [tool("rabbitmq-server"), "-detached"],
            what="rabbitmq-server",
            env=server_env(),
            timeout=60,
            preexec=as_server,
        )

    def failure(self) -> str:
        return f"not answering on port {self.port}; see /var/log/rabbitmq/"

    def stop(self) -> bool:
        if not self.probe():
            return False
        run([tool("rabbitmqctl"), "shutdown"], what="rabbitmqctl shutdown", env=ENV, timeout=120)
        return True
