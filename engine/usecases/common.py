"""What every use case shares: naming the venue, the `Change` a command answers with, and
finding a product by the name a manager typed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.catalog import Product
from engine.errors import InvalidInput
from engine.names import match
from engine.ports import UnitOfWork
from engine.venue import Venue, VenueId

VenueRef = str | int
"""A venue by slug (`"downtown"`) or by id."""

Values = Mapping[str, str | bool | None]
"""Old or new values of a change, as people read them (`{"cost": "$22.50"}`)."""


@dataclass(frozen=True, slots=True)
class Change:
    """What a change did: shown to the manager and kept in the audit log."""

    action: str
    target: str
    old: Values | None
    new: Values | None
    actor: str
    at: datetime
    venue: Venue


async def load_venue(uow: UnitOfWork, venue: VenueRef) -> Venue:
    """The venue named by slug or id; raises `NotFound`."""
    if isinstance(venue, str):
        return await uow.venues.get(venue.strip())
    return await uow.venues.by_id(VenueId(venue))


def find_product(products: Sequence[Product], name: str) -> Product:
    """The product `name` names: case-insensitive, an unambiguous prefix is enough."""
    return match(name, {p.name: p for p in products}, what="product")


async def commit_change(uow: UnitOfWork, change: Change) -> Change:
    """Write the change to the audit log and commit: the change and its entry land together."""
    await record_change(uow, change)
    await uow.commit()
    return change


async def record_change(uow: UnitOfWork, change: Change) -> Change:
    """Write the change to the audit log, in the caller's transaction (a bulk import's)."""
    await uow.audit.record(
        venue_id=change.venue.id,
        actor=change.actor,
        action=change.action,
        target=change.target,
        old=None if change.old is None else dict(change.old),
        new=None if change.new is None else dict(change.new),
        at=change.at,
    )
    return change


def require_actor(actor: str) -> str:
    """Every change names who made it."""
    if not actor.strip():
        raise InvalidInput("a change needs an actor", hint="e.g. slack:U0123ABC or cli:sam")
    return actor.strip()
