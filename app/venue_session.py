"""A command session on one venue, for the terminal's commands: which venue, and its context.

`venue_of` picks the venue (`--venue`, else `BARBACK_VENUE`); `session_for` builds the
`SessionContext` a command of the grammar runs with, on a database someone else opened (the
one-shot CLI's own, or the running service's for commands sent through its local socket);
`open_session` opens the database too. The terminal's actor is trusted: whoever holds the
server's shell (or its data directory's socket) holds its database too.

Kept apart from `terminal_session` (the grammar at a prompt) and `importing` (files of receipts),
which both use it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.config import Settings
    from bot.commands.context import SessionContext
    from storage.database import Database

NO_VENUE = "which venue? give --venue <slug> or set BARBACK_VENUE"


def venue_of(args: argparse.Namespace, settings: Settings) -> str:
    """The venue's slug, or a refusal (after the usage, when the caller gave it)."""
    from engine.errors import InvalidInput

    slug: str | None = getattr(args, "venue", None) or settings.venue
    if not slug:
        usage = getattr(args, "usage", None)
        if usage:
            print(usage, end="", file=sys.stderr)
        raise InvalidInput(NO_VENUE)
    return slug


async def session_for(
    database: Database, settings: Settings, slug: str, user: str
) -> SessionContext:
    """A session on the venue (raises `NotFound` for an unknown venue)."""
    from app.clock import SystemClock
    from app.count_files import terminal_handlers
    from app.keyfile import existing_key
    from app.local_files import LocalFiles
    from app.terminal_slack import terminal_slack_handlers
    from bot.commands.context import Actor, SessionContext

    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(slug)
    from app.pos_offers import pos_offers

    key = existing_key(settings)
    return SessionContext(
        venue=venue,
        actor=Actor.terminal(user),
        uow=database.unit_of_work,
        clock=SystemClock(),
        public_url=settings.public_url,
        # The same key `serve` signs with, so the link the terminal prints is accepted.
        connect_key=None if key is None else key.reveal(),
        files=LocalFiles(),
        front_end_handlers={**terminal_slack_handlers(settings, database), **terminal_handlers()},
        pos_offers=pos_offers(settings, database, key),
    )


async def open_session(settings: Settings, slug: str, user: str) -> tuple[Database, SessionContext]:
    """The database, and a session on the venue (raises `NotFound` for an unknown venue); the
    caller closes the database."""
    from storage.migrate import open_migrated

    database = await open_migrated(settings.database_url)
    try:
        return database, await session_for(database, settings, slug, user)
    except BaseException:
        await database.close()
        raise
