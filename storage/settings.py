"""`SqlSettingsRepository`: the `venue_settings` row (alerts, summary), defaults until set."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.money import Money
from engine.records import VenueSettings
from engine.venue import VenueId
from storage.dialects import insert_for
from storage.tables import venue_settings, venues


class SqlSettingsRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, venue_id: VenueId) -> VenueSettings:
        row = (
            await self._connection.execute(
                select(venue_settings, venues.c.currency)
                .join(venues, venues.c.id == venue_settings.c.venue_id)
                .where(venue_settings.c.venue_id == venue_id)
            )
        ).one_or_none()
        if row is None:
            return VenueSettings()
        minimum = row.variance_alert_min
        return VenueSettings(
            alert_channel=row.alert_channel,
            low_stock_alerts=bool(row.low_stock_alerts),
            variance_alert_pct=row.variance_alert_pct,
            variance_alert_min=None if minimum is None else Money(int(minimum), row.currency),
            summary_time=None if row.summary_time is None else time.fromisoformat(row.summary_time),
            summary_channel=row.summary_channel,
        )

    async def put(self, venue_id: VenueId, settings: VenueSettings) -> None:
        minimum = settings.variance_alert_min
        values = {
            "alert_channel": settings.alert_channel,
            "low_stock_alerts": settings.low_stock_alerts,
            "variance_alert_pct": settings.variance_alert_pct,
            "variance_alert_min": None if minimum is None else minimum.minor,
            "summary_time": None
            if settings.summary_time is None
            else settings.summary_time.strftime("%H:%M"),
            "summary_channel": settings.summary_channel,
        }
        statement = insert_for(self._connection, venue_settings).values(venue_id=venue_id, **values)
        await self._connection.execute(
            statement.on_conflict_do_update(index_elements=[venue_settings.c.venue_id], set_=values)
        )
