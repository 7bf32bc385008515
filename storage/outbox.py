"""`SqlOutbox`: the engine's `Outbox` port on the `outbox` table (alerts on their way to Slack).

Rows are written by the use cases in their own transaction (`storage.alerts`); this module leases
them to dispatchers with the inbox's claim (`storage.leases`: SKIP LOCKED on PostgreSQL), and
records the outcome: `sent` with the Slack ts, or a failure with backoff (`engine.alerts.
OUTBOX_RETRY`, or Slack's Retry-After when later), `failed` after the last attempt. A dispatcher
that dies leaves its lease to expire; the row is then claimed again. Unique (kind, dedupe_key)
keeps a use case that runs twice from writing an alert twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.alerts import OUTBOX_RETRY, AlertKind, OutboxMessage, OutboxState
from engine.inbox import RetryPolicy, error_text
from engine.venue import VenueId
from storage.leases import claim_statement
from storage.tables import outbox

PENDING = OutboxState.PENDING.value


class SqlOutbox:
    """Each method is its own short transaction on `engine` (`BEGIN IMMEDIATE` on SQLite)."""

    def __init__(self, engine: AsyncEngine, *, retry: RetryPolicy = OUTBOX_RETRY) -> None:
        self._engine = engine
        self._retry = retry

    async def claim(
        self, limit: int, owner: str, lease_seconds: float, now: datetime
    ) -> list[OutboxMessage]:
        if limit <= 0:
            return []
        lease_until = now + timedelta(seconds=lease_seconds)
        due = (outbox.c.state == PENDING) & (outbox.c.next_attempt_at <= now)
        order = (outbox.c.next_attempt_at, outbox.c.id)
        async with self._engine.begin() as connection:
            rows = list(
                await connection.execute(
                    claim_statement(outbox, due, order, limit, owner, lease_until)
                )
            )
            venues = sorted({r.venue_id for r in rows if r.kind == AlertKind.UNMAPPED.value})
            if venues:
                # The venue's other waiting UNMAPPED rows (not yet due, not leased) join the
                # batch: items seen in the same few seconds go out in one message.
                waiting = (
                    (outbox.c.state == PENDING)
                    & (outbox.c.kind == AlertKind.UNMAPPED.value)
                    & outbox.c.venue_id.in_(venues)
                    & ((outbox.c.lease_until.is_(None)) | (outbox.c.lease_until <= now))
                    & outbox.c.id.not_in([r.id for r in rows])
                )
                siblings = claim_statement(outbox, waiting, order, 500, owner, lease_until)
                rows += list(await connection.execute(siblings))
        return sorted((message_from_row(row) for row in rows), key=lambda m: m.id)

    async def mark_sent(self, message_id: int, owner: str, slack_ts: str, now: datetime) -> bool:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(outbox)
                .where(_leased(message_id, owner))
                .values(
                    state=OutboxState.SENT.value,
                    sent_at=now,
                    slack_ts=slack_ts,
                    lease_until=None,
                    last_error=None,
                )
            )
        return result.rowcount == 1

    async def mark_failed(
        self,
        message_id: int,
        owner: str,
        error: str,
        now: datetime,
        *,
        not_before: datetime | None = None,
        final: bool = False,
    ) -> OutboxState | None:
        async with self._engine.begin() as connection:
            attempts = await connection.scalar(
                select(outbox.c.attempts).where(_leased(message_id, owner)).with_for_update()
            )
            if attempts is None:
                return None
            attempts += 1
            gives_up = final or self._retry.gives_up(attempts)
            state = OutboxState.FAILED if gives_up else OutboxState.PENDING
            retry_at = now if gives_up else self._retry.next_attempt(attempts, now)
            if not gives_up and not_before is not None:
                retry_at = max(retry_at, not_before)
            await connection.execute(
                update(outbox)
                .where(_leased(message_id, owner))
                .values(
                    state=state.value,
                    attempts=attempts,
                    next_attempt_at=retry_at,
                    lease_owner=None,
                    lease_until=None,
                    last_error=error_text(error),
                )
            )
        return state

    async def defer(self, message_id: int, owner: str, until: datetime) -> bool:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(outbox)
                .where(_leased(message_id, owner))
                .values(next_attempt_at=until, lease_owner=None, lease_until=None)
            )
        return result.rowcount == 1

    async def get(self, message_id: int) -> OutboxMessage | None:
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(select(outbox).where(outbox.c.id == message_id))
            ).one_or_none()
        return None if row is None else message_from_row(row)

    async def backlog(self) -> int:
        """How many alerts wait to be sent (pending, retries included): `/metrics`."""
        query = select(func.count()).where(outbox.c.state == OutboxState.PENDING.value)
        async with self._engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())

    async def list(self, *, kind: AlertKind | None = None) -> list[OutboxMessage]:
        """Every row, oldest first (tests and operators)."""
        query = select(outbox).order_by(outbox.c.id)
        if kind is not None:
            query = query.where(outbox.c.kind == kind.value)
        async with self._engine.connect() as connection:
            return [message_from_row(row) for row in await connection.execute(query)]


def _leased(message_id: int, owner: str) -> ColumnElement[bool]:
    return (
        (outbox.c.id == message_id) & (outbox.c.state == PENDING) & (outbox.c.lease_owner == owner)
    )


def message_from_row(row: Row[Any]) -> OutboxMessage:
    return OutboxMessage(
        id=int(row.id),
        venue_id=VenueId(row.venue_id),
        kind=AlertKind(row.kind),
        dedupe_key=row.dedupe_key,
        payload=dict(row.payload),
        created_at=row.created_at,
        attempts=row.attempts,
        state=OutboxState(row.state),
        slack_ts=row.slack_ts,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )
