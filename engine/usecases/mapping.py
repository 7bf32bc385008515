"""A POS item's recipe: resolved from what a manager typed, and written forward from now (the
`map` command, the review queue's accept and `map import` all write it here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from engine.catalog import RecipeItem, check_pour
from engine.errors import InvalidInput
from engine.ports import UnitOfWork
from engine.records import PosThing
from engine.usecases.common import Change, find_product, record_change
from engine.usecases.describe import recipe_text
from engine.usecases.finding import by_name_note
from engine.usecases.inputs import IngredientLike, resolve_quantity
from engine.venue import Venue
from engine.versioning import close


async def recipe_items(
    uow: UnitOfWork, place: Venue, items: Sequence[IngredientLike], now: datetime
) -> list[RecipeItem]:
    """A recipe as typed, resolved against the venue's products and servings in effect now."""
    if not items:
        raise InvalidInput("a mapping needs at least one product", hint="unmap it instead")
    products = await uow.catalog.products(place.id, archived=True)
    servings = {s.name: s.quantity for s in await uow.catalog.servings(place.id, now)}
    resolved_items = []
    for ingredient in items:
        product = find_product(products, ingredient.product)
        q = ingredient.quantity
        resolved = resolve_quantity(
            q.amount,
            q.unit,
            place.units,
            servings,
            dimension=product.dimension,
            container=product.container_size,
        )
        resolved_items.append(RecipeItem(product.id, resolved.quantity, resolved.serving_name))
    for product_id in {item.product_id for item in resolved_items}:
        poured = [i.quantity for i in resolved_items if i.product_id == product_id]
        name = next(p.name for p in products if p.id == product_id)
        check_pour(name, sum(poured[1:], poured[0]))
    return resolved_items


async def map_thing_in(
    uow: UnitOfWork,
    place: Venue,
    thing: PosThing,
    items: Sequence[RecipeItem],
    *,
    now: datetime,
    actor: str,
) -> Change:
    """Map `thing` to `items` from now on, in the caller's transaction, with its audit entry."""
    current = await uow.catalog.recipe(place.id, thing, now)
    if current is not None:
        close(current, now)
    recipe = await uow.catalog.replace_recipe(place.id, thing, items, now, actor)
    assert recipe is not None
    names = {p.id: p.name for p in await uow.catalog.products(place.id, archived=True)}
    servings = {s.name: s.quantity for s in await uow.catalog.servings(place.id, now)}
    old = None
    if current is not None:
        old = {"recipe": recipe_text(current, names, place.units, servings)}
    new = {"recipe": recipe_text(recipe, names, place.units, servings), **by_name_note(thing)}
    return await record_change(uow, Change("map", thing.name, old, new, actor, now, place))
