"""One command, from the words typed to the answer: parse, authorise, execute, reply.

`run(text, ctx)` is what Slack, the CLI and the shell call. It never raises for anything a manager
can cause: a parse error, an unknown name, a refused change become `Reply.refusal(...)` with what
was wrong and the closest valid form; only bugs and an unreachable database propagate (the
front-end's error edge reports those).

`Actor` and `SessionContext` (who typed, and what a command runs with) live in
`bot.commands.context`; they are re-exported here for the front-ends.
"""

from __future__ import annotations

from bot.commands import grammar
from bot.commands import messages as m
from bot.commands.commands import Command
from bot.commands.context import Actor, Handler, SessionContext
from bot.commands.handlers import HANDLERS
from bot.commands.replies import Reply
from engine.errors import EngineError, InvalidInput, NotAllowed

__all__ = ["Actor", "Handler", "SessionContext", "authorise", "refusal", "run"]


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
