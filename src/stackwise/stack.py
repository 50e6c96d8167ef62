"""A stack: one combination of the catalog, as a value with one parser and one printer.

Written `framework/orm/database/queue`, with `+socketio` when the real-time gateway is on,
e.g. `nestjs/drizzle/postgresql/rabbitmq+socketio`. Framework names are unique across
languages, so the language follows from the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SOCKETIO = "+socketio"


class StackError(ValueError):
    """Text that is not a stack of the catalog; the message is one line for the user."""


@dataclass(frozen=True, order=True)
class Stack:
    language: str
    framework: str
    orm: str
    database: str
    queue: str
    socketio: bool = False

    @classmethod
    def parse(cls, text: str, catalog: dict[str, Any]) -> Stack:
        body, plus, extra = text.strip().partition("+")
        if plus and f"+{extra}" != SOCKETIO:
            raise StackError(f"{text!r}: the only suffix is {SOCKETIO}")
        parts = body.split("/")
        if len(parts) != 4 or not all(parts):
            raise StackError(f"{text!r} is not framework/orm/database/queue")
        framework, orm, database, queue = parts
        for language, spec in catalog["languages"].items():
            if framework in spec["frameworks"]:
                return cls(str(language), framework, orm, database, queue, bool(plus))
        raise StackError(f"{text!r}: unknown framework {framework!r} (see: stackwise list)")

    def __str__(self) -> str:
        suffix = SOCKETIO if self.socketio else ""
        return f"{self.framework}/{self.orm}/{self.database}/{self.queue}{suffix}"

    def answers(self) -> dict[str, Any]:
        """The stack as copier.yml answers (socketio only where it is on)."""
        answers: dict[str, Any] = {
            "language": self.language,
            "framework": self.framework,
            "database": self.database,
            "orm": self.orm,
            "queue": self.queue,
        }
        if self.socketio:
            answers["socketio"] = True
        return answers

    @property
    def slug(self) -> str:
        """A file-name form of the stack."""
        return str(self).replace("/", "-").replace("+", "-")
