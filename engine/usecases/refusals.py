"""Telling a venue about data barback refused for good (rule 12: "an event that cannot book for
a permanent reason fails once, clearly").

A fetched POS order with a value out of bounds, a receipt in another currency, a refund beyond
what its line sold: each is refused once, with its reason, in `barback events` (the event's last
error) and, when the venue has an alert channel, as a REFUSED alert. The alert is an outbox row
like every other, deduplicated by what was refused, so replaying a refused event alerts once.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from engine.alerts import AlertKind, Json, NewAlert
from engine.ports import UnitOfWork, UnitOfWorkFactory
from engine.venue import Venue, VenueId

MAX_REASON = 500


async def report_refusal(
    uow: UnitOfWork,
    venue: Venue,
    *,
    what: str,
    reason: str,
    key: str,
    now: datetime,
    note: str | None = None,
) -> bool:
    """Write a REFUSED alert in the caller's transaction; False when the venue has no alert
    channel or `key` was reported before. `what`: what was refused, for people ("Square order
    O-1"); `key`: the same each time the same thing is refused; `note`: what became of the rest
    (default: nothing of it was booked)."""
    settings = await uow.settings.get(venue.id)
    if settings.alert_channel is None:
        return False
    payload: Json = {
        "channel": settings.alert_channel,
        "venue": venue.name,
        "venue_slug": venue.slug,
        "what": what[:MAX_REASON],
        "reason": reason[:MAX_REASON],
    }
    if note is not None:
        payload["note"] = note
    dedupe = hashlib.sha256(f"{venue.id}:{key}".encode()).hexdigest()
    alert = NewAlert(venue.id, AlertKind.REFUSED, dedupe, payload, now)
    return await uow.alerts.add(alert, now) is not None


async def event_refused(
    uow_factory: UnitOfWorkFactory,
    venue_id: int,
    *,
    what: str,
    reason: str,
    key: str,
    now: datetime,
) -> bool:
    """`report_refusal` in a transaction of its own (the inbox worker, after it marked the event
    failed)."""
    async with uow_factory() as uow:
        venue = await uow.venues.by_id(VenueId(venue_id))
        written = await report_refusal(uow, venue, what=what, reason=reason, key=key, now=now)
        await uow.commit()
    return written
