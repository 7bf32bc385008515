"""Recording a POS's menu (`engine.menu`): from a catalog sync or `menu import`.

One transaction: the placeholders the menu's names adopt, every entry recorded (new ones added,
renamed ones renamed: a mapping stays with the POS's id), categories set, and the provider's
things no longer listed marked off the menu. The audit log keeps one entry with the counts.
"""

from __future__ import annotations

from datetime import datetime

from engine.menu import Menu, MenuResult
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.records import PosKind
from engine.usecases.adopting import adoption_text, plan_for, write_adoptions
from engine.usecases.common import VenueRef, load_venue, require_actor
from engine.venue import Venue


async def record_menu(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, menu: Menu, *, actor: str
) -> MenuResult:
    """`menu import <file>`: record `menu` for the venue. Raises `NotFound` (venue)."""
    actor = require_actor(actor)
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        result = await record_menu_in(uow, place, menu, now=clock.now(), actor=actor)
        await uow.commit()
    return result


async def record_menu_in(
    uow: UnitOfWork, venue: Venue, menu: Menu, *, now: datetime, actor: str
) -> MenuResult:
    """`record_menu` inside the caller's unit of work (a catalog sync's event); it commits."""
    before = {
        (t.kind, t.external_id): t.name
        for kind in PosKind
        for t in await uow.catalog.pos_things(venue.id, kind)
        if t.provider == menu.provider
    }
    arrivals = menu.arrivals
    adoptions = await plan_for(uow, venue, arrivals)
    await write_adoptions(uow, venue, adoptions, [(a, now) for a in arrivals], now)
    off = await uow.pos.set_menu(venue.id, menu)
    listed = {(e.kind, e.external_id): e.name for e in menu.entries}
    result = MenuResult(
        provider=menu.provider,
        items=len(menu.of(PosKind.ITEM)),
        modifiers=len(menu.of(PosKind.MODIFIER)),
        new=sum(1 for key in listed if key not in before),
        renamed=sum(1 for key, name in listed.items() if before.get(key, name) != name),
        off_menu=off,
        adopted=tuple(adoption_text(venue, a) for a in adoptions),
    )
    await uow.audit.record(
        venue_id=venue.id,
        actor=actor,
        action="menu",
        target=menu.provider,
        old=None,
        new={
            "items": str(result.items),
            "modifiers": str(result.modifiers),
            "new": str(result.new),
            "renamed": str(result.renamed),
            "off the menu": str(result.off_menu),
            "adopted": str(len(adoptions)),
        },
        at=now,
    )
    return result
