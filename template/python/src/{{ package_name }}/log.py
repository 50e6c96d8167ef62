"""Structured logs: one JSON object per line on stdout, {"time", "level", "logger",
"message", then the fields given with `extra=`}.

The request log (RequestLog) writes the one line every request costs, so it takes a
short way: a dict and one orjson call, kept in the JSON handler's buffer. A LogRecord and
the handler chain of `logging` would cost more than the whole framework on a request as
small as GET /health (`stackwise bench` measures the service against a bare app of its
framework), and so would a write(2) per request: the buffer goes out in one write at most
FLUSH_SECONDS later, before any other line, and at exit (logging's atexit flush).
"""

import logging
import sys
import threading
import time
from typing import Any, TextIO

import orjson

# Attributes every LogRecord has (and uvicorn's colour copy); the rest came in via `extra=`.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}

FLUSH_SECONDS = 0.05
"""How long a request line may wait in the buffer."""

_second: tuple[int, str] = (-1, "")
_FRACTIONS = [f".{n:03d}+00:00" for n in range(1000)]  # a lookup: a quarter of formatting


def timestamp(created: float) -> str:
    """RFC 3339 in UTC with milliseconds; the date and time of day formatted once a second."""
    global _second
    second, milliseconds = divmod(int(created * 1000), 1000)
    cached, prefix = _second
    if second != cached:
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _second = second, prefix
    return prefix + _FRACTIONS[milliseconds]


def to_line(entry: dict[str, Any]) -> str:
    return orjson.dumps(entry, default=str).decode()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return to_line(entry)


class JsonHandler(logging.StreamHandler[TextIO]):
    """JsonFormatter's lines on a stream; write() buffers lines built without a LogRecord.

    A thread of the process, started with the first buffered line (so also in a process
    forked after configure_logging(), as gunicorn's worker is), flushes the buffer
    FLUSH_SECONDS after its first line. A record's line (emit) and flush() write the
    buffer first, so the lines keep their order."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.setFormatter(JsonFormatter())
        self._buffer: list[str] = []
        self._due = threading.Event()
        self._flusher: threading.Thread | None = None

    def write(self, entry: dict[str, Any]) -> None:
        """Buffer entry's line; its values are JSON types (no default= to look up)."""
        try:
            line = orjson.dumps(entry).decode()
        except Exception:  # as emit() does: report on stderr, never fail the request
            self.handleError(logging.makeLogRecord(entry))
            return
        self.acquire()
        try:
            self._buffer.append(line)
            if len(self._buffer) == 1:
                self._flush_soon()
        finally:
            self.release()

    def _flush_soon(self) -> None:
        if self._flusher is None or not self._flusher.is_alive():  # none in this process yet
            self._due = threading.Event()
            self._flusher = threading.Thread(target=self._flush_due, name="log-flush", daemon=True)
            self._flusher.start()
        self._due.set()

    def _flush_due(self) -> None:
        while True:
            self._due.wait()
            time.sleep(FLUSH_SECONDS)
            self._due.clear()
            self.flush()

    def _write_buffer(self) -> None:
        """The buffered lines in one write (the lock held)."""
        if not self._buffer:
            return
        lines, self._buffer = self._buffer, []
        try:
            self.stream.write(self.terminator.join(lines) + self.terminator)
        except Exception:
            self.handleError(logging.makeLogRecord({"msg": f"{len(lines)} request lines lost"}))

    def emit(self, record: logging.LogRecord) -> None:
        self.acquire()
        try:
            self._write_buffer()
            super().emit(record)
        finally:
            self.release()

    def flush(self) -> None:
        self.acquire()
        try:
            self._write_buffer()
            super().flush()
        finally:
            self.release()


_handler: JsonHandler | None = None
"""The handler configure_logging() installed, if it was called."""


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """Send every logger, the server's included, through one JSON handler on stdout."""
    global _handler
    _handler = JsonHandler(stream or sys.stdout)
    root = logging.getLogger()
    root.handlers[:] = [_handler]
    root.setLevel(level.upper())


class RequestLog:
    """The line per request: method, path, status and duration_ms, at INFO from the logger
    named `name` (so LOG_LEVEL=warning drops it, as it drops any info line)."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    def __call__(self, method: str, path: str, status: int, started: float) -> None:
        """started: time.perf_counter() when the request came in."""
        if not self._logger.isEnabledFor(logging.INFO):
            return
        # In milliseconds to 2 decimals; round() to an int is twice as fast as round(x, 2).
        duration_ms = round((time.perf_counter() - started) * 100_000) / 100
        if _handler is None:  # logging set up by someone else (tests, a host application)
            fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
            self._logger.info("request", extra=fields)
            return
        _handler.write(
            {
                "time": timestamp(time.time()),
                "level": "info",
                "logger": self._logger.name,
                "message": "request",
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
            }
        )
