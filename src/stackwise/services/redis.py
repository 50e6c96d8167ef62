"""Redis from Debian's `redis-server`, daemonized by itself on loopback."""

from __future__ import annotations

import shutil

from stackwise.services.base import (
    HOST,
    Service,
    exchange,
    last_line,
    port_open,
    run,
    wait_until,
)


def command(*words: str) -> bytes:
    """A RESP array of bulk strings, as redis-cli sends it."""
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class Redis(Service):
    name = "redis"
    port = 6379
    url = f"redis://{HOST}:6379/0"
    start_timeout = 15.0

    def missing_packages(self) -> list[str]:
        return [] if shutil.which("redis-server") else ["redis-server"]

    def probe(self) -> bool:
        return exchange(self.port, command("PING"), lambda s: s.recv(7)) == b"+PONG\r\n"

    def start(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                HOST,
                "--port",
                str(self.port),
                "--dir",
                self.state,
                "--pidfile",
                self.state / "redis.pid",
                "--logfile",
                self.state / "redis.log",
            ],
            what="redis-server",
        )

    def failure(self) -> str:
        return last_line(self.state / "redis.log")

    def stop(self) -> bool:
        # SHUTDOWN stops whichever Redis holds the port, ours or one started otherwise.
        if not self.probe():
            return False
        exchange(self.port, command("SHUTDOWN"), lambda s: s.recv(64))
        wait_until(lambda: not port_open(self.port), 15)
        return True
