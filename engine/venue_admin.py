"""Administering venues: add one, list them, read a venue's webhook secret, archive one.

Use cases over the ports, shared by every front-end (the CLI today, Slack later). Input is
validated before a transaction is opened, so bad input never touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from engine.errors import Conflict
from engine.ports import Clock, UnitOfWorkFactory
from engine.venue import UnitSystem, Venue, new_venue

# The volume units a venue gets when its administrator names none: the US pours in US fluid
# ounces, the UK in imperial measures, and everyone else in millilitres.
DEFAULT_UNITS_BY_CURRENCY = {"USD": UnitSystem.US, "GBP": UnitSystem.IMPERIAL}


def default_units(currency: str) -> UnitSystem:
    return DEFAULT_UNITS_BY_CURRENCY.get(currency.strip().upper(), UnitSystem.METRIC)


async def add_venue(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    *,
    slug: str,
    name: str,
    timezone: str,
    currency: str,
    units: str | None = None,
    actor: str,
) -> Venue:
    """Add a venue with a fresh webhook secret; raises `InvalidInput` or `Conflict` (slug taken)."""
    venue = new_venue(
        slug, name, timezone, currency, units or default_units(currency), now=clock.now()
    )
    async with uow_factory() as uow:
        added = await uow.venues.add(venue)
        await uow.audit.record(
            venue_id=added.id,
            actor=actor,
            action="venue.add",
            target=added.slug,
            old=None,
            # Never the webhook secret: the audit log is readable by more people than it is.
            new={
                "slug": added.slug,
                "name": added.name,
                "timezone": added.timezone,
                "currency": added.currency,
                "units": added.units.value,
            },
            at=venue.created_at,
        )
        await uow.commit()
    return added


async def list_venues(uow_factory: UnitOfWorkFactory) -> Sequence[Venue]:
    async with uow_factory() as uow:
        return await uow.venues.list()


async def venue_secret(uow_factory: UnitOfWorkFactory, slug: str) -> str:
    """The venue's generic-webhook secret; raises `NotFound`."""
    async with uow_factory() as uow:
        return await uow.venues.webhook_secret(slug.strip())


async def archive_venue(
    uow_factory: UnitOfWorkFactory, clock: Clock, *, slug: str, actor: str
) -> Venue:
    """Archive a venue, forward only: its webhooks are refused from now on (404, as an unknown
    venue), its POS connection is no longer read, Slack no longer offers it, and every change to
    it is refused; its history stays readable. Refused (`Conflict`) while webhook events it
    acknowledged wait to be booked (archiving them away would lose sales), or when it already
    is archived. Raises `NotFound`."""
    now = clock.now()
    async with uow_factory() as uow:
        venue = await uow.venues.get(slug.strip())
        if venue.archived_at is not None:
            when = venue.archived_at.astimezone(venue.zone).strftime("%Y-%m-%d %H:%M")
            raise Conflict(f"venue {venue.slug} was archived on {when} already")
        pending = await uow.venues.pending_events(venue.id)
        if pending:
            raise Conflict(
                f"venue {venue.slug} has {pending} webhook event"
                f"{'s' if pending > 1 else ''} not booked yet",
                hint="let `barback serve` or `barback worker` book them (see `barback events`), "
                "then archive it",
            )
        await uow.venues.archive(venue.id, now)
        await uow.audit.record(
            venue_id=venue.id,
            actor=actor,
            action="venue.archive",
            target=venue.slug,
            old=None,
            new={"archived": True},
            at=now,
        )
        await uow.commit()
    return replace(venue, archived_at=now)
