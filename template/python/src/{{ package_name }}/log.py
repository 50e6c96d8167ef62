"""Structured logs: one JSON object per line on stdout, {"time", "level", "logger",
"message", then the fields given with `extra=`}.

The request log (RequestLog) writes the one line every request costs, so it takes a
short way: a dict, one orjson call and one write on the JSON handler's stream, under
the handler's lock. A LogRecord and the handler chain of `logging` would cost more than
the whole framework on a request as small as GET /health (`stackwise bench` measures
the service against a bare app of its framework).
"""

import logging
import sys
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

_second: tuple[int, str] = (-1, "")


def timestamp(created: float) -> str:
    """RFC 3339 in UTC with milliseconds; the date and time of day formatted once a second."""
    global _second
    second, milliseconds = divmod(int(created * 1000), 1000)
    cached, prefix = _second
    if second != cached:
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _second = second, prefix
    return f"{prefix}.{milliseconds:03d}+00:00"


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
    """JsonFormatter's lines on a stream; write() takes lines built without a LogRecord."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.setFormatter(JsonFormatter())

    def write(self, entry: dict[str, Any]) -> None:
        try:
            line = to_line(entry) + self.terminator
            self.acquire()
            try:
                self.stream.write(line)
                self.stream.flush()
            finally:
                self.release()
        except Exception:  # as emit() does: report on stderr, never fail the request
            self.handleError(logging.makeLogRecord(entry))


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
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
        if _handler is None:  # logging set up by someone else (tests, a host application)
            self._logger.info("request", extra=fields)
            return
        _handler.write(
            {
                "time": timestamp(time.time()),
                "level": "info",
                "logger": self._logger.name,
                "message": "request",
                **fields,
            }
        )
