"""Who runs a command and with what: `Actor` and `SessionContext`, shared by `session.run`, the
handlers and the front-ends (its own module, so the handlers need not import `session`, which
imports them).

`Actor` is who typed: the terminal is trusted (whoever holds the server's shell and database);
a Slack user is a manager or not, decided by `bot.slack` (listed with `managers add`, or a
workspace admin while no manager is set) before it calls `run`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.commands.bulk.files import NO_FILES, FileSource
from bot.commands.commands import Command
from bot.commands.replies import Reply
from engine.connections import PosOffer
from engine.errors import InvalidInput
from engine.ports import Clock, UnitOfWorkFactory
from engine.venue import Venue

ActorKind = Literal["terminal", "slack"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who typed the command. `id` is stable (a Slack user id, the OS user); `display` is shown."""

    kind: ActorKind
    id: str
    display: str
    is_manager: bool

    @classmethod
    def terminal(cls, user: str) -> Actor:
        """The person at the server's shell: trusted, a manager by definition."""
        name = user.strip() or "terminal"
        return cls("terminal", name, name, True)

    @property
    def audit_name(self) -> str:
        """How the audit log names them: `terminal:sam`, `slack:U0123ABC`."""
        return f"{self.kind}:{self.id}"


Handler = Callable[[Command, "SessionContext"], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class SessionContext:
    """Everything a command runs with. Built per request by the front-end (`app`, `bot.slack`).

    `front_end_handlers` lets a front-end answer the commands only it can (Slack: `use`,
    `managers`, `summary post`): a handler there wins over the built-in one.
    `public_url` is where `connect <pos>` sends the manager (the service's address), and
    `connect_key` (the service's secret key) signs that link, so only a manager who asked
    barback for it can bind a POS account to the venue.
    """

    venue: Venue
    actor: Actor
    uow: UnitOfWorkFactory
    clock: Clock
    public_url: str | None = None
    connect_key: str | None = None
    pos_offers: Mapping[str, PosOffer] | None = None
    """What `connect` offers: each POS barback reads, configured or not (None: not known here)."""
    front_end_handlers: Mapping[type[Command], Handler] = field(default_factory=dict)
    files: FileSource | None = None
    """Where `... import <file>` reads its file (the terminal: a path; Slack: the channel)."""

    @property
    def slug(self) -> str:
        return self.venue.slug

    async def read_file(self, name: str) -> bytes:
        """The file an import names, from this front-end (`files`)."""
        if self.files is None:
            raise InvalidInput(NO_FILES, hint="import files in the terminal or in Slack")
        return await self.files.read(name)
