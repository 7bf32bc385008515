"""What every use case shares: naming the venue, the `Change` a command answers with, and
finding a product by the name a manager typed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.catalog import Product
from engine.errors import EngineError, InvalidInput, NotAllowed, NotFound
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
    """The product on the shelf `name` names: case-insensitive, an unambiguous prefix is enough.

    `products` may hold removed (archived) ones too: a name only they answer to is refused as
    removed, so a change never touches a product that left the catalog."""
    try:
        return match(name, {p.name: p for p in products if p.archived_at is None}, what="product")
    except NotFound:
        gone = _removed(products, name)
        if gone is None:
            raise
        raise NotFound(
            f"{gone.name!r} was removed from the catalog",
            hint="its history is kept; add it again under another name, or rename the old one",
        ) from None


def find_any_product(products: Sequence[Product], name: str) -> Product:
    """For reading history: the product on the shelf `name` names, else a removed one."""
    try:
        return match(name, {p.name: p for p in products if p.archived_at is None}, what="product")
    except NotFound:
        gone = _removed(products, name)
        if gone is None:
            raise
        return gone


def _removed(products: Sequence[Product], name: str) -> Product | None:
    archived = {p.name: p for p in products if p.archived_at is not None}
    if not archived:
        return None
    try:
        return match(name, archived, what="product")
    except EngineError:
        return None


async def commit_change(uow: UnitOfWork, change: Change) -> Change:
    """Write the change to the audit log and commit: the change and its entry land together."""
    await record_change(uow, change)
    await uow.commit()
    return change


async def record_change(uow: UnitOfWork, change: Change) -> Change:
    """Write the change to the audit log, in the caller's transaction (a bulk import's).

    An archived venue takes no change (`venue archive`): refused here, where every change passes,
    so the transaction rolls back whatever the use case wrote."""
    if change.venue.archived_at is not None:
        raise NotAllowed(
            f"venue {change.venue.slug} is archived: nothing there can change",
            hint="its history stays readable",
        )
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


MAX_NAME = 200
"""The longest product name kept (the `products.name` column)."""


def product_name(typed: str) -> str:
    """A product name as kept: spaces collapsed, not empty, at most `MAX_NAME` characters."""
    name = " ".join(typed.split())
    if not name:
        raise InvalidInput("a product needs a name", hint='e.g. "Tito\'s Vodka"')
    if len(name) > MAX_NAME:
        raise InvalidInput(f"a product name has at most {MAX_NAME} characters, not {len(name)}")
    return name


def require_actor(actor: str) -> str:
    """Every change names who made it."""
    if not actor.strip():
        raise InvalidInput("a change needs an actor", hint="e.g. slack:U0123ABC or cli:sam")
    return actor.strip()
