"""What every local service shares: paths, processes, probes and the Service base class."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

log = logging.getLogger("stackwise.services")

HOST = "127.0.0.1"


class ServiceError(Exception):
    """A service could not be installed, started or stopped; the message is one line."""


@dataclass(frozen=True)
class ServiceStatus:
    """One service as `up`, `down` and `status` report it."""

    name: str
    port: int
    url: str
    state: str  # up, started, down, stopped or error
    detail: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.state != "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def home() -> Path:
    """The state and cache dir: `$STACKWISE_HOME`, else `~/.cache/stackwise`."""
    configured = os.environ.get("STACKWISE_HOME")
    return Path(configured) if configured else Path.home() / ".cache" / "stackwise"


def run(
    cmd: Sequence[str | Path],
    *,
    what: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    merge: bool = False,
    preexec: Callable[[], None] | None = None,
) -> str:
    """Run a command to completion and return its stdout (and stderr with `merge`); on
    failure raise ServiceError with `what` and the last line the command printed."""
    try:
        done = subprocess.run(
            [str(part) for part in cmd],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge else subprocess.PIPE,
            text=True,
            env={**os.environ, **env} if env else None,
            cwd=cwd,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
            preexec_fn=preexec,
        )
    except FileNotFoundError as exc:
        raise ServiceError(f"{what}: {exc.filename} not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise ServiceError(f"{what}: timed out after {timeout:.0f} s") from exc
    if done.returncode != 0:
        printed = (done.stderr or "").strip() or done.stdout.strip() or f"exit {done.returncode}"
        lines = printed.splitlines()
        raise ServiceError(f"{what}: {lines[-1].strip()}")
    return done.stdout


def spawn(
    cmd: Sequence[str | Path],
    *,
    logfile: Path,
    pidfile: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start a process in its own session that outlives us, output appended to `logfile`."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with logfile.open("ab") as out:
        proc = subprocess.Popen(
            [str(part) for part in cmd],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env} if env else None,
            cwd=cwd,
            start_new_session=True,
        )
    pidfile.write_text(f"{proc.pid}\n")
    return proc.pid


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie child of ours is reaped and counts as gone)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def read_pid(pidfile: Path, marker: str) -> int | None:
    """The pid in `pidfile` if that process still runs and its command line has `marker`
    (so a stale pidfile never names a stranger that reused the pid)."""
    try:
        pid = int(pidfile.read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, IndexError):
        return None
    return pid if marker.encode() in cmdline and alive(pid) else None


def stop_pid(pidfile: Path, marker: str, *, timeout: float) -> bool:
    """SIGTERM the process in `pidfile`, SIGKILL it after `timeout`; False if none ran."""
    pid = read_pid(pidfile, marker)
    if pid is None:
        pidfile.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    if not wait_until(lambda: not alive(pid), timeout):
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not alive(pid), 5)
    pidfile.unlink(missing_ok=True)
    return True


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Poll `check` until it is true or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def recv_exact(sock: socket.socket, size: int) -> bytes:
    """Read exactly `size` bytes or raise ConnectionError."""
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks += chunk
    return bytes(chunks)


def exchange(
    port: int, request: bytes, read: Callable[[socket.socket], bytes], timeout: float = 1.0
) -> bytes | None:
    """Send `request` to HOST:port and return what `read` gets back, None if that fails."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.sendall(request)
            return read(sock)
    except OSError:
        return None


def port_open(port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def last_line(logfile: Path) -> str:
    """The last non-empty line of a log, for an error message."""
    try:
        lines = [line for line in logfile.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log"
    return lines[-1].strip()[:300] if lines else "empty log"


class Service(ABC):
    """One local service: what it needs installed, how to start, stop and probe it."""

    name: ClassVar[str]
    port: ClassVar[int]
    url: ClassVar[str]
    start_timeout: ClassVar[float] = 30.0
    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(self, state: Path) -> None:
        self.state = state / self.name

    def missing_packages(self) -> list[str]:
        """Debian packages to install before this service can start."""
        return []

    def prepare(self) -> None:
        """Download or build what the service runs from (once, cached in the state dir)."""
        return

    @abstractmethod
    def probe(self) -> bool:
        """Whether the service answers its own protocol on its port (fast, no side effect)."""

    @abstractmethod
    def start(self) -> None:
        """Start the service in the background; `up` then waits for `probe`."""

    @abstractmethod
    def stop(self) -> bool:
        """Stop the service; False if it was not running."""

    def running(self) -> bool:
        """Whether the process we started still runs (False ends the wait for `probe`)."""
        return True

    def ready(self) -> bool:
        """Whether `up` has nothing left to do; more than `probe` where set-up is needed."""
        return self.probe()

    def configure(self) -> None:
        """Set-up done once the service answers (roles, databases)."""
        return

    def failure(self) -> str:
        """Why the service did not come up, for the error line."""
        return f"not answering on port {self.port} after {self.start_timeout:.0f} s"

    def status(self, state: str, detail: str = "", seconds: float = 0.0) -> ServiceStatus:
        return ServiceStatus(self.name, self.port, self.url, state, detail, round(seconds, 2))


class Daemon(Service):
    """A service whose process we spawn ourselves and track by its pidfile."""

    marker: ClassVar[str]  # in its command line
    stop_timeout: ClassVar[float] = 30.0

    def __init__(self, state: Path) -> None:
        super().__init__(state)
        self.pidfile = self.state / f"{self.name}.pid"
        self.logfile = self.state / f"{self.name}.log"
        self.spawned: int | None = None

    def running(self) -> bool:
        # Our own child is checked by pid alone: just after exec its /proc cmdline can
        # still be empty, so the marker check is for pidfiles left by earlier runs.
        if self.spawned is not None:
            return alive(self.spawned)
        return read_pid(self.pidfile, self.marker) is not None

    def launch(self, cmd: Sequence[str | Path]) -> None:
        """Spawn `cmd` unless our process already runs (still starting, say)."""
        if not self.running():
            self.spawned = spawn(cmd, logfile=self.logfile, pidfile=self.pidfile)

    def failure(self) -> str:
        if not self.running():
            return f"exited: {last_line(self.logfile)}"
        return super().failure()

    def stop(self) -> bool:
        return stop_pid(self.pidfile, self.marker, timeout=self.stop_timeout)
