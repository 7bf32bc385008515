"""`SqlInbox`: the engine's `Inbox` port on the `webhook_events` table.

Claiming leases an event by pushing its `next_attempt_at` to the end of the lease (and recording
`lease_owner`/`lease_until`), so a single condition, `state = 'pending' AND next_attempt_at <= now`,
read from the (state, next_attempt_at) index, finds new events, events due for a retry and events
whose claimer died, with no 'processing' state that a crash could strand.

Storing events is `storage.inbox_writer`'s job (group commit); this module reads and moves them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Update, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from engine.errors import InvalidInput, NotFound
from engine.inbox import (
    DEFAULT_RETRY,
    EventId,
    EventState,
    RetryPolicy,
    StoredEvent,
    error_text,
)
from storage.leases import claim_statement
from storage.tables import webhook_events as events

PENDING = EventState.PENDING.value
PRUNE_BATCH = 500  # rows a prune transaction empties: short turns at SQLite's write lock


class SqlInbox:
    """Each method is its own short transaction on `engine` (`BEGIN IMMEDIATE` on SQLite)."""

    def __init__(self, engine: AsyncEngine, *, retry: RetryPolicy = DEFAULT_RETRY) -> None:
        self._engine = engine
        self._retry = retry

    async def claim(
        self, limit: int, owner: str, lease_seconds: float, now: datetime
    ) -> list[StoredEvent]:
        if limit <= 0:
            return []
        lease_until = now + timedelta(seconds=lease_seconds)
        statement = claim_statement(  # SKIP LOCKED with leases, shared with the outbox
            events,
            (events.c.state == PENDING) & (events.c.next_attempt_at <= now),
            (events.c.next_attempt_at, events.c.id),
            limit,
            owner,
            lease_until,
        )
        async with self._engine.begin() as connection:
            rows = (await connection.execute(statement)).all()
        # RETURNING promises no order; the worker books oldest first.
        return sorted((event_from_row(row) for row in rows), key=lambda e: e.id)

    async def renew(
        self, event_ids: Sequence[EventId], owner: str, lease_seconds: float, now: datetime
    ) -> int:
        if not event_ids:
            return 0
        lease_until = now + timedelta(seconds=lease_seconds)
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(events)
                .where(
                    events.c.id.in_(sorted(event_ids)),
                    events.c.state == PENDING,
                    events.c.lease_owner == owner,
                )
                .values(lease_until=lease_until, next_attempt_at=lease_until)
            )
        return result.rowcount

    async def mark_done(self, event_id: EventId, owner: str, now: datetime) -> bool:
        async with self._engine.begin() as connection:
            return await mark_done_in(connection, event_id, owner, now)

    async def mark_failed(
        self, event_id: EventId, owner: str, error: str, now: datetime, *, final: bool = False
    ) -> EventState | None:
        async with self._engine.begin() as connection:
            attempts = await connection.scalar(
                select(events.c.attempts).where(_leased(event_id, owner)).with_for_update()
            )
            if attempts is None:
                return None
            attempts += 1
            gives_up = final or self._retry.gives_up(attempts)
            state = EventState.FAILED if gives_up else EventState.PENDING
            await connection.execute(
                update(events)
                .where(_leased(event_id, owner))
                .values(
                    state=state.value,
                    attempts=attempts,
                    next_attempt_at=now if gives_up else self._retry.next_attempt(attempts, now),
                    lease_owner=None,
                    lease_until=None,
                    last_error=error_text(error),
                )
            )
        return state

    async def mark_skipped(self, event_id: EventId, owner: str, reason: str, now: datetime) -> bool:
        async with self._engine.begin() as connection:
            return await _finish(
                connection, event_id, owner, now, EventState.SKIPPED, error_text(reason)
            )

    async def get(self, event_id: EventId) -> StoredEvent:
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(select(events).where(events.c.id == event_id))
            ).one_or_none()
        if row is None:
            raise event_not_found(event_id)
        return event_from_row(row)

    async def list(self, *, failed_only: bool = False, limit: int = 50) -> Sequence[StoredEvent]:
        query = select(events).order_by(events.c.id.desc()).limit(limit)
        if failed_only:
            query = query.where(events.c.state == EventState.FAILED.value)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [event_from_row(row) for row in rows]

    async def replay(self, event_id: EventId, now: datetime) -> None:
        async with self._engine.begin() as connection:
            pruned = await connection.scalar(
                select(events.c.pruned_at).where(events.c.id == event_id)
            )
            if pruned is not None:
                raise InvalidInput(
                    f"event {event_id} was booked and its body pruned on {pruned:%Y-%m-%d}: "
                    "there is nothing left to book again",
                    hint="BARBACK_EVENT_RETENTION sets how long bodies are kept",
                )
            result = await connection.execute(_replay(now).where(events.c.id == event_id))
        if result.rowcount == 0:
            raise event_not_found(event_id)

    async def replay_failed(self, now: datetime) -> int:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                _replay(now).where(events.c.state == EventState.FAILED.value)
            )
        return result.rowcount

    async def prune_bodies(self, before: datetime, now: datetime) -> int:
        # processed_at is set for done and skipped events only (a replay clears it), so the
        # partial index on it finds exactly the finished events still holding a body.
        total = 0
        while True:
            oldest = (
                select(events.c.id)
                .where(events.c.processed_at < before, events.c.pruned_at.is_(None))
                .order_by(events.c.processed_at)
                .limit(PRUNE_BATCH)
            )
            async with self._engine.begin() as connection:
                result = await connection.execute(
                    update(events)
                    .where(events.c.id.in_(oldest.scalar_subquery()))
                    .values(body=b"", headers={}, pruned_at=now)
                )
            total += result.rowcount
            if result.rowcount < PRUNE_BATCH:
                return total

    async def lag(self, now: datetime) -> timedelta:
        async with self._engine.connect() as connection:
            oldest = await connection.scalar(
                select(func.min(events.c.received_at)).where(events.c.state == PENDING)
            )
        # min() keeps the column's type, so this is an aware datetime on both dialects.
        return timedelta(0) if oldest is None else max(now - oldest, timedelta(0))


async def mark_done_in(
    connection: AsyncConnection,
    event_id: EventId,
    owner: str,
    now: datetime,
    *,
    note: str | None = None,
) -> bool:
    """Mark the event done inside the caller's transaction (the one that books its receipt), so
    the booking and the "done" commit or roll back together.

    False when `owner` no longer holds the event (its lease expired and another worker claimed
    it); the booking is idempotent per source line, so keeping it is safe either way. `note`
    (what of the event was refused, say) is kept as its last error, for `barback events`.
    """
    return event_id in await mark_all_done_in(connection, [event_id], owner, now, note=note)


async def mark_all_done_in(
    connection: AsyncConnection,
    event_ids: Sequence[EventId],
    owner: str,
    now: datetime,
    *,
    note: str | None = None,
) -> set[EventId]:
    """`mark_done_in` for many events with one UPDATE; the ids `owner` still held."""
    result = await connection.execute(
        update(events)
        .where(
            events.c.id.in_(sorted(event_ids)),
            events.c.state == PENDING,
            events.c.lease_owner == owner,
        )
        .values(
            state=EventState.DONE.value,
            processed_at=now,
            lease_until=None,
            last_error=None if note is None else error_text(note),
        )
        .returning(events.c.id)
    )
    return {EventId(row[0]) for row in result}


async def _finish(
    connection: AsyncConnection,
    event_id: EventId,
    owner: str,
    now: datetime,
    state: EventState,
    note: str | None,
) -> bool:
    # lease_owner is kept: who processed an event is worth seeing in `barback events`.
    result = await connection.execute(
        update(events)
        .where(_leased(event_id, owner))
        .values(state=state.value, processed_at=now, lease_until=None, last_error=note)
    )
    return result.rowcount == 1


def _leased(event_id: EventId, owner: str) -> ColumnElement[bool]:
    return (events.c.id == event_id) & (events.c.state == PENDING) & (events.c.lease_owner == owner)


def _replay(now: datetime) -> Update:
    # A fresh retry budget; last_error stays until the next outcome, as the reason for replaying.
    return update(events).values(
        state=PENDING,
        attempts=0,
        next_attempt_at=now,
        lease_owner=None,
        lease_until=None,
        processed_at=None,
    )


def event_from_row(row: Row[Any]) -> StoredEvent:
    return StoredEvent(
        id=EventId(row.id),
        provider=row.provider,
        dedupe_key=row.dedupe_key,
        venue_id=row.venue_id,
        received_at=row.received_at,
        headers=dict(row.headers),
        body=bytes(row.body),
        state=EventState(row.state),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        lease_owner=row.lease_owner,
        lease_until=row.lease_until,
        last_error=row.last_error,
        processed_at=row.processed_at,
        pruned_at=row.pruned_at,
    )


def event_not_found(event_id: int) -> NotFound:
    return NotFound(f"there is no event {event_id}", hint="see `barback events`")
