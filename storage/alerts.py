"""`SqlAlertRepository`: the alert side of a unit of work (engine.alerts.AlertRepository).

Everything runs on the unit of work's connection, so an alert's outbox row, the product's arming
state and the claimed unmapped tallies commit or roll back with the booking or count that caused
them. The disarm is one upsert whose conflict branch only fires while the product is armed: on
PostgreSQL a concurrent booking waits on the row and then finds it disarmed, so one crossing is
alerted once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.alerts import ArmState, DataQuality, NewAlert, Sighting
from engine.catalog import ProductId
from engine.venue import VenueId
from storage.dialects import insert_for
from storage.tables import counts, outbox, stock_alerts, unmapped_lines, unmapped_tallies
from storage.tables import webhook_events as events


class SqlAlertRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def states(
        self, venue_id: VenueId, product_ids: Sequence[ProductId]
    ) -> Mapping[ProductId, ArmState]:
        if not product_ids:
            return {}
        rows = await self._connection.execute(
            select(stock_alerts).where(
                stock_alerts.c.venue_id == venue_id,
                stock_alerts.c.product_id.in_(sorted(set(product_ids))),
            )
        )
        return {
            ProductId(r.product_id): ArmState(ProductId(r.product_id), r.low_since, r.alert_id)
            for r in rows
        }

    async def disarm(self, venue_id: VenueId, product_id: ProductId, at: datetime) -> int | None:
        statement = insert_for(self._connection, stock_alerts).values(
            venue_id=venue_id, product_id=product_id, low_since=at, crossings=1
        )
        statement = statement.on_conflict_do_update(
            index_elements=[stock_alerts.c.venue_id, stock_alerts.c.product_id],
            set_={"low_since": at, "crossings": stock_alerts.c.crossings + 1},
            where=stock_alerts.c.low_since.is_(None),
        )
        crossing = await self._connection.scalar(statement.returning(stock_alerts.c.crossings))
        return None if crossing is None else int(crossing)

    async def set_alert(
        self, venue_id: VenueId, product_ids: Sequence[ProductId], alert_id: int
    ) -> None:
        await self._connection.execute(
            update(stock_alerts)
            .where(
                stock_alerts.c.venue_id == venue_id,
                stock_alerts.c.product_id.in_(sorted(set(product_ids))),
            )
            .values(alert_id=alert_id)
        )

    async def rearm(self, venue_id: VenueId, product_id: ProductId) -> bool:
        result = await self._connection.execute(
            update(stock_alerts)
            .where(
                stock_alerts.c.venue_id == venue_id,
                stock_alerts.c.product_id == product_id,
                stock_alerts.c.low_since.is_not(None),
            )
            .values(low_since=None)
        )
        return result.rowcount == 1

    async def add(self, alert: NewAlert, now: datetime) -> int | None:
        statement = (
            insert_for(self._connection, outbox)
            .values(
                venue_id=alert.venue_id,
                kind=alert.kind.value,
                dedupe_key=alert.dedupe_key,
                payload=alert.payload,
                created_at=now,
                state="pending",
                attempts=0,
                next_attempt_at=alert.due_at,
            )
            .on_conflict_do_nothing(index_elements=[outbox.c.kind, outbox.c.dedupe_key])
            .returning(outbox.c.id)
        )
        inserted = await self._connection.scalar(statement)
        return None if inserted is None else int(inserted)

    async def claim_sightings(
        self, venue_id: VenueId, keys: Sequence[tuple[str, str, str]], now: datetime
    ) -> Sequence[Sighting]:
        if not keys:
            return []
        t = unmapped_tallies
        rows = await self._connection.execute(
            update(t)
            .where(
                t.c.venue_id == venue_id,
                t.c.alerted_at.is_(None),
                tuple_(t.c.kind, t.c.provider, t.c.external_id).in_(sorted(set(keys))),
            )
            .values(alerted_at=now)
            .returning(t.c.kind, t.c.provider, t.c.external_id, t.c.name, t.c.seen)
        )
        found = [Sighting(r.kind, r.provider, r.external_id, r.name, int(r.seen)) for r in rows]
        return sorted(found, key=lambda s: (s.kind, s.name.casefold(), s.external_id))

    async def data_quality(
        self, venue_id: VenueId, window: tuple[datetime, datetime]
    ) -> DataQuality:
        start, end = window
        connection = self._connection
        unmapped = await connection.scalar(
            select(func.count()).where(
                unmapped_lines.c.venue_id == venue_id,
                unmapped_lines.c.seen_at >= start,
                unmapped_lines.c.seen_at < end,
            )
        )
        by_state = {
            row[0]: int(row[1])
            for row in await connection.execute(
                select(events.c.state, func.count())
                .where(events.c.venue_id == venue_id, events.c.state.in_(("failed", "pending")))
                .group_by(events.c.state)
            )
        }
        last_count = await connection.scalar(
            select(func.max(counts.c.counted_at)).where(counts.c.venue_id == venue_id)
        )
        return DataQuality(
            unmapped_lines=int(unmapped or 0),
            events_failed=by_state.get("failed", 0),
            events_pending=by_state.get("pending", 0),
            last_count_at=last_count,
        )
