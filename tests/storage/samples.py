"""Sample values for the storage tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.venue import NewVenue, UnitSystem
from storage.tables import audit_log

AT = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)


def new_venue(slug: str = "downtown", *, name: str = "Downtown") -> NewVenue:
    return NewVenue(
        slug=slug,
        name=name,
        timezone="America/New_York",
        currency="USD",
        units=UnitSystem.US,
        webhook_secret=f"whsec_{slug}",
        created_at=AT,
    )


async def record_audit(connection: AsyncConnection, *, venue_id: int | None) -> None:
    await connection.execute(
        insert(audit_log).values(
            venue_id=venue_id, at=AT, actor="test", action="poke", target="nothing"
        )
    )
