"""The catalog's life, forward only: renaming and removing products, removing serving sizes and
modifier rules. Each change is answered and audited like any other (`Change`).

Decisions where the rules are silent:
- `product rename` changes the name everywhere it is shown, past reports included: their figures
  stay exactly as they were, under the new name (a product is one thing, whatever it is called).
  A removed product may be renamed too, which frees its old name for a new product.
- `product remove` archives the product at now: stock, count sheets, counts, deliveries, waste
  and new recipes no longer see it; variance, `why`, sales and the audit log keep it. It is
  refused while a mapping or a modifier rule in effect pours it (or swaps it), naming them, so
  no receipt closed after the removal can deplete it; map those items again, or unmap them,
  first. A receipt that closed before the removal still books by the mapping of its time (rule 6).
- `serving remove` closes the serving at now; it is refused while a mapping or `+` rule in effect
  pours it, naming them (their quantities are kept in base units, but the serving is how they
  were typed and how a later `serving` change re-versions them).
- `modifier remove` closes the rule in effect at now; the modifier then changes nothing, and a
  receipt that carries it tallies it as unmapped again.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.display import format_quantity
from engine.errors import Conflict, InvalidInput, NotFound
from engine.ports import Clock, UnitOfWorkFactory
from engine.records import PosKind, PosThing
from engine.usecases.common import (
    Change,
    VenueRef,
    commit_change,
    find_any_product,
    find_product,
    load_venue,
    product_name,
    require_actor,
)
from engine.usecases.describe import rule_text
from engine.usecases.finding import pos_thing

LISTED = 10
"""How many mappings a refusal names before it says how many more."""


async def rename_product(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    product: str,
    new_name: str,
    actor: str,
) -> Change:
    """`product rename "Titos" "Tito's Vodka"`. Raises `NotFound`, `Ambiguous`, `Conflict` (the
    name is taken, case-insensitively), `InvalidInput`."""
    actor = require_actor(actor)
    name = product_name(new_name)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        found = find_any_product(await uow.catalog.products(place.id, archived=True), product)
        if found.name == name:
            raise InvalidInput(f"{found.name!r} already has that name")
        await uow.catalog.rename_product(place.id, found.id, name)
        change = Change(
            "product.rename", found.name, {"name": found.name}, {"name": name}, actor, now, place
        )
        return await commit_change(uow, change)


async def remove_product(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, product: str, actor: str
) -> Change:
    """`product remove "Tito's Vodka"`: archived at now. Raises `Conflict` naming the mappings
    and modifier rules that still pour it, `NotFound`, `Ambiguous`."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        found = find_product(await uow.catalog.products(place.id, archived=True), product)
        items, modifiers = await uow.catalog.using_product(place.id, found.id, now)
        if items or modifiers:
            raise Conflict(
                f"{found.name!r} is still poured by {_listing(items, modifiers)}",
                hint=_first_change(items, modifiers),
            )
        on_hand = (await uow.queries.on_hand(place.id, found.id))[0].on_hand
        await uow.catalog.archive_product(place.id, found.id, now)
        shelf = format_quantity(on_hand, place.units)
        change = Change(
            "product.remove",
            found.name,
            {"status": "on the shelf", "on_hand": shelf},
            {"status": "removed", "on_hand": shelf},
            actor,
            now,
            place,
        )
        return await commit_change(uow, change)


def _listing(items: Sequence[PosThing], modifiers: Sequence[PosThing]) -> str:
    parts = []
    if items:
        parts.append("the mapping" + ("s" if len(items) > 1 else "") + " of " + _names(items))
    if modifiers:
        word = "the rule" + ("s" if len(modifiers) > 1 else "") + " of modifier"
        parts.append(word + ("s " if len(modifiers) > 1 else " ") + _names(modifiers))
    return " and ".join(parts)


def _first_change(items: Sequence[PosThing], modifiers: Sequence[PosThing]) -> str:
    todo = ["map those items again without it (or unmap them)"] if items else []
    todo += ["set those modifiers' rules again (or remove them)"] if modifiers else []
    return " and ".join(todo) + ", first"


def _names(things: Sequence[PosThing]) -> str:
    names = sorted({t.name for t in things}, key=str.casefold)
    shown = ", ".join(repr(n) for n in names[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


async def remove_serving(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, name: str, actor: str
) -> Change:
    """`serving remove shot`. Raises `NotFound`, `Conflict` naming what still pours it."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        servings = await uow.catalog.servings(place.id, now)
        key = " ".join(name.casefold().split())
        found = next((s for s in servings if " ".join(s.name.casefold().split()) == key), None)
        if found is None:
            known = ", ".join(s.name for s in servings) or "none yet"
            raise NotFound(f"there is no serving {name!r}", hint=f"serving sizes: {known}")
        recipes = await uow.catalog.recipes_pouring(place.id, found.name, now)
        rules = await uow.catalog.rules_pouring(place.id, found.name, now)
        if recipes or rules:
            items = [thing for thing, _ in recipes]
            modifiers = [thing for thing, _ in rules]
            raise Conflict(
                f"serving {found.name!r} is still poured by {_listing(items, modifiers)}",
                hint="map those items (and set those modifiers) without it first",
            )
        await uow.catalog.close_serving(place.id, found, now)
        old = {"quantity": format_quantity(found.quantity, place.units)}
        change = Change("serving.remove", found.name, old, None, actor, now, place)
        return await commit_change(uow, change)


async def remove_modifier_rule(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, modifier: str, actor: str
) -> Change:
    """`modifier remove "Double"`: the rule in effect ends now. Raises `NotFound`, `Ambiguous`."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        thing = await pos_thing(uow, place, PosKind.MODIFIER, modifier, now, create=False)
        current = await uow.catalog.rule(place.id, thing, now)
        if current is None:
            raise NotFound(f"modifier {thing.name!r} has no rule", hint="see `mappings`")
        await uow.catalog.close_rule(place.id, current, now)
        names = {p.id: p.name for p in await uow.catalog.products(place.id, archived=True)}
        servings = {s.name: s.quantity for s in await uow.catalog.servings(place.id, now)}
        old = {"rule": rule_text(current.kind, names, place.units, servings)}
        change = Change("modifier.remove", thing.name, old, None, actor, now, place)
        return await commit_change(uow, change)
