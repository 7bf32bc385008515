"""Fair turns at SQLite's write lock inside one process.

The service writes a SQLite file from two connections: the async engine's single connection
(requests, the booking worker, the outbox, the schedules) and the inbox writer's thread. SQLite
gives its lock to whoever retries first out of a busy-handler sleep, and the booking worker,
starting its next transaction the moment it commits, won almost every time: `make bench`
measured webhook ingest falling from 1,860 to 56 requests/s, p99 1.4 s, while the worker ran.

Every connection of a `TurnTakingEngine` holds the engine's `turn` from checkout to close, and
the inbox writer holds it around each batch, so they take turns in the order they asked:
`asyncio.Lock` hands a released lock to its longest waiter (the pool's queue does not: whoever
releases a connection can take it straight back).
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

# The pool's own checkout timeout; a turn waited for longer means something holds a connection
# while asking for a second one, which would otherwise wait forever.
TURN_TIMEOUT_SECONDS = 30.0


class TurnTakingConnection(AsyncConnection):
    __slots__ = ("_has_turn",)

    async def start(self, is_ctxmanager: bool = False) -> AsyncConnection:
        turn = self._turn()
        async with asyncio.timeout(TURN_TIMEOUT_SECONDS):
            await turn.acquire()
        self._has_turn = True
        try:
            return await super().start(is_ctxmanager)
        except BaseException:
            self._release()
            raise

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._release()

    def _turn(self) -> asyncio.Lock:
        engine = self.engine
        assert isinstance(engine, TurnTakingEngine)
        return engine.turn

    def _release(self) -> None:
        if getattr(self, "_has_turn", False):
            self._has_turn = False
            self._turn().release()


class TurnTakingEngine(AsyncEngine):
    """An `AsyncEngine` whose connections, and whoever else holds `turn`, write one at a time."""

    __slots__ = ("turn",)
    # SQLAlchemy builds every connection from this class attribute (`AsyncEngine.connect`).
    _connection_cls = TurnTakingConnection

    def __init__(self, sync_engine: Any) -> None:
        super().__init__(sync_engine)
        self.turn = asyncio.Lock()


def turn_of(engine: AsyncEngine) -> asyncio.Lock | None:
    """The engine's write turn, or None when it has none (PostgreSQL, in-memory SQLite)."""
    return engine.turn if isinstance(engine, TurnTakingEngine) else None
