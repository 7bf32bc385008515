"""`serving shot = 1.5 oz`: a new serving version, and every mapping and rule that pours it
re-versioned (quantity x new / old, half-even: two shots stay two shots). See `catalog`."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from engine.catalog import (
    Add,
    RecipeItem,
    ServingSize,
)
from engine.display import format_quantity
from engine.errors import Conflict, InvalidInput
from engine.exact import round_half_even
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.quantity import Quantity
from engine.units import lookup_unit
from engine.usecases.common import (
    Change,
    VenueRef,
    commit_change,
    load_venue,
    require_actor,
)
from engine.usecases.inputs import QuantityLike, resolve_quantity
from engine.venue import Venue
from engine.versioning import close


async def set_serving(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    name: str,
    quantity: QuantityLike,
    actor: str,
) -> Change:
    """`serving shot = 1.5 oz`: opens a new serving version and re-versions the mappings and
    rules that pour it. Raises `InvalidInput` (a unit's name, no unit, ...), `Conflict`."""
    actor = require_actor(actor)
    now = clock.now()
    name = " ".join(name.split())
    if not name or lookup_unit(name) is not None:
        raise InvalidInput(
            f"{name!r} cannot name a serving size", hint="e.g. serving shot = 1.5 oz"
        )
    if quantity.unit is None:
        raise InvalidInput(f"serving {name!r} needs a unit", hint=f"e.g. serving {name} = 1.5 oz")
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        servings = {s.name: s for s in await uow.catalog.servings(place.id, now)}
        resolved = resolve_quantity(
            quantity.amount,
            quantity.unit,
            place.units,
            {n: s.quantity for n, s in servings.items()},
            what="serving",
        )
        if (
            resolved.serving_name is not None
            and resolved.serving_name.casefold() == name.casefold()
        ):
            raise InvalidInput(
                f"serving {name!r} cannot be measured in {name!r} itself",
                hint=f"give it in a unit, e.g. serving {name} = 1.5 oz",
            )
        size = resolved.quantity
        current = next((s for s in servings.values() if s.name.casefold() == name.casefold()), None)
        recipes = await uow.catalog.recipes_pouring(place.id, name, now)
        rules = await uow.catalog.rules_pouring(place.id, name, now)
        if current is not None:
            close(current, now)
            if size.dimension is not current.quantity.dimension and (recipes or rules):
                raise Conflict(
                    f"serving {name!r} is poured by {len(recipes) + len(rules)} mappings or rules "
                    f"as a {current.quantity.dimension}",
                    hint="map those items again first",
                )
        await uow.catalog.open_serving(place.id, ServingSize(name, size, now))
        remapped = await _reversion(uow, place, name, current, size, now, actor)
        change = Change(
            "serving.set",
            name,
            None
            if current is None
            else {"quantity": format_quantity(current.quantity, place.units)},
            {"quantity": format_quantity(size, place.units), "remapped": str(remapped)},
            actor,
            now,
            place,
        )
        return await commit_change(uow, change)


async def _reversion(
    uow: UnitOfWork,
    place: Venue,
    name: str,
    old: ServingSize | None,
    size: Quantity,
    now: datetime,
    actor: str,
) -> int:
    """Re-version each mapping and `+` rule pouring serving `name`; returns how many."""
    if old is None:
        return 0
    key = name.casefold()

    def rescaled(quantity: Quantity, serving: str | None) -> Quantity:
        if serving is None or serving.casefold() != key:
            return quantity
        milli = round_half_even(Fraction(quantity.milli * size.milli, old.quantity.milli))
        return Quantity(size.dimension, milli)

    count = 0
    for thing, recipe in await uow.catalog.recipes_pouring(place.id, name, now):
        items = [
            RecipeItem(i.product_id, rescaled(i.quantity, i.serving_name), i.serving_name)
            for i in recipe.items
        ]
        await uow.catalog.replace_recipe(place.id, thing, items, now, actor)
        count += 1
    for thing, rule in await uow.catalog.rules_pouring(place.id, name, now):
        assert isinstance(rule.kind, Add)
        kind = Add(
            rule.kind.product_id,
            rescaled(rule.kind.quantity, rule.kind.serving_name),
            rule.kind.serving_name,
        )
        await uow.catalog.replace_rule(place.id, thing, kind, now, actor)
        count += 1
    return count
