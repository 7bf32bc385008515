"""Booking's part in POS identity: placeholders mapped by name are adopted by the first POS item
(or modifier) that arrives with that name, in the transaction that books it (`engine.identity`).

`read_adoptions` runs with booking's reads: one query for placeholders among the arrivals' name
keys (none, the usual case after the first week, ends it there), then which candidates have a
mapping of their own, then the adopted mapping versions, re-keyed so `book` finds them under the
arriving id. `write_adoptions` runs with booking's writes: the adoptions themselves, each in the
audit log and the alert channel, and every arrival recorded (names follow the POS's renames).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from engine.alerts import AlertKind, Json, NewAlert
from engine.catalog import ModifierId, PosItemId, name_key
from engine.catalog_view import CatalogHistory
from engine.identity import (
    Adoption,
    Arrival,
    adopted_history,
    candidate_keys,
    plan_adoptions,
    receipt_arrivals,
)
from engine.ports import UnitOfWork
from engine.receipt import Receipt
from engine.records import GENERIC_PROVIDER, PosKind
from engine.venue import Venue


async def read_adoptions(
    uow: UnitOfWork,
    venue: Venue,
    receipts: Sequence[Receipt],
    catalogs: Mapping[str, CatalogHistory],
) -> tuple[tuple[Adoption, ...], dict[str, CatalogHistory]]:
    """The adoptions these receipts make, and each provider's catalog with them in effect."""
    adoptions = await plan_for(uow, venue, receipt_arrivals(receipts))
    if not adoptions:
        return (), dict(catalogs)
    kept = await uow.catalog.history(
        venue.id,
        GENERIC_PROVIDER,
        min(r.closed_at for r in receipts),
        max(r.closed_at for r in receipts),
        {PosItemId(a.placeholder.external_id) for a in adoptions if _item(a)},
        {ModifierId(a.placeholder.external_id) for a in adoptions if not _item(a)},
    )
    out = dict(catalogs)
    for provider in sorted({a.arrival.provider for a in adoptions}):
        mine = [a for a in adoptions if a.arrival.provider == provider]
        out[provider] = adopted_history(out.get(provider, CatalogHistory()), kept, mine)
    return adoptions, out


async def plan_for(
    uow: UnitOfWork, venue: Venue, arrivals: Sequence[Arrival]
) -> tuple[Adoption, ...]:
    """Which of these arrivals adopt which placeholder (reads only)."""
    keys = candidate_keys(arrivals)
    if not any(keys.values()):
        return ()
    placeholders = await uow.pos.placeholders(venue.id, keys)
    if not placeholders:
        return ()
    wanted = {(p.kind, p.external_id) for p in placeholders}
    candidates = [
        a
        for a in arrivals
        if (a.kind, name_key(a.name)) in wanted or (a.kind, name_key(a.external_id)) in wanted
    ]
    governed = await uow.pos.governed(venue.id, candidates)
    return plan_adoptions(candidates, placeholders, governed)


def _item(adoption: Adoption) -> bool:
    return adoption.arrival.kind is PosKind.ITEM


async def write_adoptions(
    uow: UnitOfWork,
    venue: Venue,
    adoptions: Iterable[Adoption],
    sightings: Sequence[tuple[Arrival, datetime]],
    now: datetime,
) -> None:
    """Make the adoptions (raises `Conflict` when another transaction made one first: the caller
    rolls back and books again), then record every arrival."""
    settings = None
    for adoption in adoptions:
        await uow.pos.adopt(venue.id, adoption, now)
        arrival, placeholder = adoption.arrival, adoption.placeholder
        await uow.audit.record(
            venue_id=venue.id,
            actor=f"pos:{arrival.provider}",
            action="map.adopt" if _item(adoption) else "modifier.adopt",
            target=arrival.name,
            old={"by name": placeholder.name},
            new={"provider": arrival.provider, "id": arrival.external_id},
            at=now,
        )
        settings = settings or await uow.settings.get(venue.id)
        if settings.alert_channel is not None:
            await uow.alerts.add(_alert(venue, settings.alert_channel, adoption, now), now)
    await uow.pos.saw(venue.id, sightings)


def adoption_text(venue: Venue, adoption: Adoption) -> str:
    """`Tito's Shot (square SQ-TITO) took the mapping made by name on 2026-11-21`, the day in
    the venue's zone."""
    since = adoption.placeholder.since
    return adoption.describe(since.astimezone(venue.zone).date().isoformat() if since else None)


def _alert(venue: Venue, channel: str, adoption: Adoption, now: datetime) -> NewAlert:
    payload: Json = {
        "channel": channel,
        "venue": venue.name,
        "venue_slug": venue.slug,
        "text": adoption_text(venue, adoption),
    }
    a = adoption.arrival
    key = f"{venue.id}:{a.kind.value}:{a.provider}:{a.external_id}"[:200]
    return NewAlert(venue.id, AlertKind.ADOPTED, key, payload, now)


def receipt_sightings(receipts: Iterable[Receipt]) -> list[tuple[Arrival, datetime]]:
    """Every item and modifier of these receipts with the receipt's close."""
    return [
        (arrival, receipt.closed_at)
        for receipt in receipts
        for arrival in receipt_arrivals([receipt])
    ]


def adoptions_by_receipt(
    receipts: Sequence[Receipt], adoptions: Sequence[Adoption]
) -> list[tuple[Adoption, ...]]:
    """Each adoption reported with the first receipt (by position) whose lines made it."""
    left = list(adoptions)
    out: list[tuple[Adoption, ...]] = []
    for receipt in receipts:
        named = {a.key for a in receipt_arrivals([receipt])}
        mine = tuple(a for a in left if a.arrival.key in named)
        left = [a for a in left if a not in mine]
        out.append(mine)
    return out
