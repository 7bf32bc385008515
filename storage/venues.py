"""`SqlVenueRepository`: venues in the `venues` table, mapped to `engine.venue.Venue`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.errors import Conflict, NotFound
from engine.venue import NewVenue, UnitSystem, Venue, VenueId
from storage.dialects import insert_for
from storage.tables import venues, webhook_events

VENUE_COLUMNS = (
    venues.c.id,
    venues.c.slug,
    venues.c.name,
    venues.c.timezone,
    venues.c.currency,
    venues.c.units,
    venues.c.day_cutoff_minutes,
    venues.c.restock_refunds,
    venues.c.archived_at,
)


class SqlVenueRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, venue: NewVenue) -> Venue:
        # ON CONFLICT DO NOTHING rather than catching IntegrityError: on PostgreSQL a failed
        # statement aborts the whole transaction, and the caller may still want to use it.
        statement = (
            insert_for(self._connection, venues)
            .values(
                slug=venue.slug,
                name=venue.name,
                timezone=venue.timezone,
                currency=venue.currency,
                units=venue.units.value,
                webhook_secret=venue.webhook_secret,
                created_at=venue.created_at,
            )
            .on_conflict_do_nothing(index_elements=[venues.c.slug])
            .returning(*VENUE_COLUMNS)
        )
        row = (await self._connection.execute(statement)).one_or_none()
        if row is None:
            raise Conflict(
                f"a venue with the slug {venue.slug!r} already exists",
                hint="choose another slug, or see `barback venue list`",
            )
        return venue_from_row(row)

    async def get(self, slug: str) -> Venue:
        row = (
            await self._connection.execute(select(*VENUE_COLUMNS).where(venues.c.slug == slug))
        ).one_or_none()
        if row is None:
            raise venue_not_found(slug)
        return venue_from_row(row)

    async def by_id(self, venue_id: VenueId) -> Venue:
        row = (
            await self._connection.execute(select(*VENUE_COLUMNS).where(venues.c.id == venue_id))
        ).one_or_none()
        if row is None:
            raise NotFound(f"there is no venue with id {venue_id}")
        return venue_from_row(row)

    async def set_restock_refunds(self, venue_id: VenueId, on: bool) -> None:
        await self._connection.execute(
            update(venues).where(venues.c.id == venue_id).values(restock_refunds=on)
        )

    async def archive(self, venue_id: VenueId, at: datetime) -> None:
        archived = await self._connection.execute(
            update(venues)
            .where(venues.c.id == venue_id, venues.c.archived_at.is_(None))
            .values(archived_at=at)
        )
        if archived.rowcount != 1:
            raise Conflict("the venue was archived by someone else meanwhile")

    async def pending_events(self, venue_id: VenueId) -> int:
        found = await self._connection.scalar(
            select(func.count())
            .select_from(webhook_events)
            .where(webhook_events.c.venue_id == venue_id, webhook_events.c.state == "pending")
        )
        return int(found or 0)

    async def list(self) -> Sequence[Venue]:
        rows = await self._connection.execute(select(*VENUE_COLUMNS).order_by(venues.c.slug))
        return [venue_from_row(row) for row in rows]

    async def webhook_secret(self, slug: str) -> str:
        secret = await self._connection.scalar(
            select(venues.c.webhook_secret).where(venues.c.slug == slug)
        )
        if secret is None:
            raise venue_not_found(slug)
        return str(secret)


def venue_from_row(row: Row[*tuple[Any, ...]]) -> Venue:
    minutes = int(row.day_cutoff_minutes)
    return Venue(
        id=VenueId(row.id),
        slug=row.slug,
        name=row.name,
        timezone=row.timezone,
        currency=row.currency,
        units=UnitSystem(row.units),
        day_cutoff=time(minutes // 60, minutes % 60),
        restock_refunds=bool(row.restock_refunds),
        archived_at=row.archived_at,
    )


def venue_not_found(slug: str) -> NotFound:
    return NotFound(f"there is no venue {slug!r}", hint="see `barback venue list`")
