"""`SqlOAuthStates`: the `oauth_states` table, so an OAuth `state` is used at most once.

The signed state itself proves barback issued it and when it expires (`integrations.square.oauth`);
this table only remembers its nonce, keyed, and whether a callback has used it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.tables import oauth_states as table


class SqlOAuthStates:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, nonce: str, provider: str, venue_id: int, now: datetime) -> None:
        async with self._engine.begin() as db:
            await db.execute(
                insert(table).values(
                    state=nonce, provider=provider, venue_id=venue_id, created_at=now
                )
            )

    async def use(self, nonce: str, provider: str, now: datetime) -> int | None:
        # One UPDATE ... WHERE used_at IS NULL: of two callbacks racing, exactly one wins.
        async with self._engine.begin() as db:
            venue_id = await db.scalar(
                update(table)
                .where(
                    table.c.state == nonce, table.c.provider == provider, table.c.used_at.is_(None)
                )
                .values(used_at=now)
                .returning(table.c.venue_id)
            )
        return None if venue_id is None else int(venue_id)
