"""One command, from the words typed to the answer: parse, authorise, execute, reply.

`run(text, ctx)` is what Slack, the CLI and the shell call. It never raises for anything a manager
can cause: a parse error, an unknown name, a refused change become `Reply.refusal(...)` with what
was wrong and the closest valid form; only bugs and an unreachable database propagate (the
front-end's error edge reports those).

`Actor` is who typed: the terminal is trusted (whoever holds the server's shell and database);
a Slack user is a manager or not, decided by `bot.slack` (listed with `managers add`, or a
workspace admin while no manager is set) before it calls `run`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.commands import grammar
from bot.commands import messages as m
from bot.commands.commands import Command
from bot.commands.handlers import HANDLERS
from bot.commands.replies import Reply
from engine.connections import PosOffer
from engine.errors import EngineError, InvalidInput, NotAllowed
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

    @property
    def slug(self) -> str:
        return self.venue.slug


async def run(text: str, ctx: SessionContext) -> Reply:
    """Parse, authorise and execute one command line; a refusal for anything a person caused."""
    try:
        command = grammar.parse(text)
    except InvalidInput as error:
        return refusal(error)
    try:
        authorise(command, ctx.actor)
        handler = ctx.front_end_handlers.get(type(command)) or HANDLERS[type(command)]
        return await handler(command, ctx)
    except EngineError as error:
        return refusal(error, command)


def authorise(command: Command, actor: Actor) -> None:
    """Reading is open; changing needs a manager (commands.md, Permissions)."""
    if command.changes and not actor.is_manager:
        raise NotAllowed(m.NOT_A_MANAGER.format(words=command.words), hint=m.NOT_A_MANAGER_HINT)


def refusal(error: EngineError, command: Command | None = None) -> Reply:
    """What was wrong, and the closest valid form: the error's own hint, else the usage."""
    hint = error.hint
    if hint is None and command is not None and isinstance(error, InvalidInput):
        hint = "usage: " + grammar.usage(command.words)
    return Reply.refusal(error.message, error.code, hint=hint)
