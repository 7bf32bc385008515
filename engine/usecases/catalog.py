"""Changing the catalog: products, serving sizes, mappings and modifier rules (forward only).

Decisions where the rules are silent:
- `product set ... cost` and `... container` open a new cost version at now; a receipt that
  closed earlier keeps the cost it was booked at (rule 5). Par, reorder point and category are
  not versioned: they are read "now" only; the audit log keeps their history.
- A container change keeps the product's dimension (a bottle cannot become a case-count): the
  mappings that pour it are in that dimension.
- `serving shot = 1.5 oz` re-versions every mapping and `+` rule in effect that pours a shot:
  each such item's quantity becomes (old quantity x new serving / old serving), rounded half-even,
  so `2 shots` stays two shots. A serving cannot change dimension while something pours it.
- `map` finds the POS item by its id, or by its name as seen (receipts or the unmapped tally),
  case-insensitively, an unambiguous prefix being enough; one never seen is created under the
  `generic` provider, keyed by its casefolded name (as the generic format keys a line
  without an id; an id typed in lower case, e.g. `cocktail-margarita`, is the same key).
  Several items of one name are Ambiguous: the answer lists their ids.
- `unmap` of an item with no mapping in effect is `NotFound`; nothing changes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from typing import Literal

from engine.catalog import (
    Product,
    ProductCost,
    ProductId,
)
from engine.display import format_milli_containers
from engine.errors import InvalidInput, NotFound
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.quantity import Quantity
from engine.records import NewProduct, PosKind
from engine.units import lookup_unit
from engine.usecases.common import (
    Change,
    VenueRef,
    commit_change,
    find_product,
    load_venue,
    product_name,
    record_change,
    require_actor,
)
from engine.usecases.describe import product_values, recipe_text
from engine.usecases.finding import pos_thing
from engine.usecases.inputs import (
    IngredientLike,
    MoneyLike,
    QuantityLike,
    resolve_containers,
    resolve_money,
    resolve_quantity,
)
from engine.usecases.mapping import map_thing_in, recipe_items
from engine.usecases.modifiers import set_modifier_rule
from engine.usecases.servings import set_serving
from engine.venue import Venue
from engine.versioning import close

ProductField = Literal["cost", "par", "reorder", "container", "category", "vendor", "shelf"]
MAX_CATEGORY = 100
MAX_SHELF = 100_000
CLEARED = ("none", "-")
"""`product set X category none` (or `-`) clears the category; `shelf none` the position."""

__all__ = [
    "ProductField",
    "add_product",
    "map_item",
    "set_modifier_rule",
    "set_product",
    "set_serving",
    "unmap_item",
]


async def add_product(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    name: str,
    container: QuantityLike,
    cost: MoneyLike,
    par: Fraction | None = None,
    reorder: Fraction | None = None,
    category: str | None = None,
    vendor: str | None = None,
    actor: str,
) -> Change:
    """`product add "Tito's Vodka" 750ml $22.50 par 6 reorder 2 category vodka`.

    `container` needs a unit word (its dimension is the product's). Raises `InvalidInput`,
    `Conflict` (name taken, case-insensitive), `NotFound` (venue)."""
    actor = require_actor(actor)
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        typed = TypedProduct(name, container, cost, par, reorder, category, vendor)
        change = await add_product_in(uow, place, typed, now=clock.now(), actor=actor)
        await uow.commit()
        return change


@dataclass(frozen=True, slots=True)
class TypedProduct:
    """A product as typed (a command, or a row of `product import`)."""

    name: str
    container: QuantityLike
    cost: MoneyLike
    par: Fraction | None = None
    reorder: Fraction | None = None
    category: str | None = None
    vendor: str | None = None


def new_product(typed: TypedProduct, place: Venue, now: datetime) -> NewProduct:
    """The product to add, validated; raises `InvalidInput`."""
    size = _container(typed.container, place)
    new = NewProduct(
        name=product_name(typed.name),
        dimension=size.dimension,
        container_size=size,
        cost_per_container=resolve_money(typed.cost.amount, typed.cost.symbol, place.currency),
        par=0 if typed.par is None else resolve_containers(typed.par, what="par"),
        reorder_at=0
        if typed.reorder is None
        else resolve_containers(typed.reorder, what="reorder point"),
        category=_category(typed.category or ""),
        created_at=now,
        vendor=(typed.vendor or "").strip() or None,
    )
    check_levels(new.par, new.reorder_at)
    Product(  # validates before anything is written
        ProductId(0),
        new.name,
        new.dimension,
        new.container_size,
        new.cost_per_container,
        new.par,
        new.reorder_at,
        new.category,
        new.vendor,
    )
    return new


async def add_product_in(
    uow: UnitOfWork, place: Venue, typed: TypedProduct, *, now: datetime, actor: str
) -> Change:
    """`add_product` in the caller's transaction: writes the product and its audit entry."""
    added = await uow.catalog.add_product(place.id, new_product(typed, place, now))
    change = Change(
        "product.add", added.name, None, product_values(added, place), actor, now, place
    )
    return await record_change(uow, change)


def _container(container: QuantityLike, place: Venue) -> Quantity:
    if container.unit is None or lookup_unit(container.unit) is None:
        raise InvalidInput(
            f"container {container.amount} {container.unit or ''}".strip() + " needs a unit",
            hint="e.g. 750ml, 1/2 bbl or 1 each",
        )
    return resolve_quantity(
        container.amount, container.unit, place.units, what="container"
    ).quantity


async def set_product(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    product: str,
    field: ProductField,
    value: MoneyLike | QuantityLike | Fraction | str,
    actor: str,
) -> Change:
    """`product set "<name>" cost <money> | par <n> | reorder <n> | container <quantity>`
    (and `category <text>`, `vendor <text>`), forward only. `value` is `MoneyLike` for cost,
    `Fraction` (containers) for par/reorder, `QuantityLike` for container, `str` for category
    and vendor."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        old = find_product(await uow.catalog.products(place.id, archived=True), product)
        new = _changed(old, field, value, place)
        change = await change_product_in(uow, place, old, new, {field}, now=now, actor=actor)
        assert change is not None
        await uow.commit()
        return change


async def change_product_in(
    uow: UnitOfWork,
    place: Venue,
    old: Product,
    new: Product,
    fields: Collection[str],
    *,
    now: datetime,
    actor: str,
) -> Change | None:
    """Store `new` in place of `old` (a new cost version when cost or container changed) and
    its audit entry, showing `fields`; None when nothing differs."""
    if new == old and len(fields) != 1:
        return None
    if {"par", "reorder"} & set(fields):
        check_levels(new.par, new.reorder_at)
    if new.container_size != old.container_size or new.cost_per_container != old.cost_per_container:
        current = await uow.catalog.cost(place.id, old.id, now)
        close(current, now)  # refuses a change that would predate the cost in effect
        following = ProductCost(old.id, new.cost_per_container, new.container_size, now)
        await uow.catalog.open_cost(place.id, following)
    await uow.catalog.update_product(place.id, new)
    before, after = product_values(old, place), product_values(new, place)
    shown = [f for f in fields if f in after or f in before]
    action = f"product.set.{next(iter(fields))}" if len(fields) == 1 else "product.set"
    change = Change(
        action,
        old.name,
        {k: before.get(k) for k in shown},
        {k: after.get(k) for k in shown},
        actor,
        now,
        place,
    )
    return await record_change(uow, change)


def _changed(
    old: Product,
    field: ProductField,
    value: MoneyLike | QuantityLike | Fraction | str,
    place: Venue,
) -> Product:
    if field == "cost":
        if not isinstance(value, MoneyLike):
            raise InvalidInput("a cost is an amount of money", hint="e.g. cost $22.50")
        money = resolve_money(value.amount, value.symbol, place.currency)
        return replace(old, cost_per_container=money)
    if field in ("par", "reorder"):
        if not isinstance(value, Fraction | int):
            raise InvalidInput(f"a {field} is a number of containers", hint=f"e.g. {field} 6")
        milli = resolve_containers(Fraction(value), what=field)
        return replace(old, par=milli) if field == "par" else replace(old, reorder_at=milli)
    if field == "container":
        if not isinstance(value, QuantityLike):
            raise InvalidInput("a container is a quantity", hint="e.g. container 1 l")
        size = _container(value, place)
        if size.dimension is not old.dimension:
            raise InvalidInput(
                f"{old.name!r} is counted by {old.dimension}; a {size.dimension} container would "
                "not match what its mappings pour",
                hint=f"use a container in {old.dimension.base_unit}",
            )
        return replace(old, container_size=size)
    if field == "category":
        return replace(old, category=_category(str(value)))
    if field == "vendor":
        return replace(old, vendor=" ".join(str(value).split()) or None)
    if field == "shelf":
        return replace(old, shelf=_shelf(value))
    raise InvalidInput(
        f"a product has no field {field!r}",
        hint="cost, par, reorder, container, category, vendor, shelf",
    )


def _category(typed: str) -> str | None:
    category = " ".join(typed.split())
    if category.casefold() in CLEARED or not category:
        return None
    if len(category) > MAX_CATEGORY:
        raise InvalidInput(f"a category has at most {MAX_CATEGORY} characters")
    return category


def _shelf(value: object) -> int | None:
    if isinstance(value, str) and value.strip().casefold() in CLEARED:
        return None
    if not isinstance(value, Fraction | int) or Fraction(value).denominator != 1:
        raise InvalidInput("a shelf position is a whole number", hint="e.g. shelf 12")
    if not 1 <= value <= MAX_SHELF:
        raise InvalidInput(f"a shelf position is 1 to {MAX_SHELF:,}, not {value}")
    return int(value)


def check_levels(par: int, reorder_at: int) -> None:
    """A reorder point above par is a typo (par is what an order fills the shelf up to); a par
    of 0 means none is set."""
    if par > 0 and reorder_at > par:
        raise InvalidInput(
            f"a reorder point of {format_milli_containers(reorder_at)} above the par of "
            f"{format_milli_containers(par)} is not plausible",
            hint="par is what an order fills the shelf up to; reorder below it, e.g. par 6 "
            "reorder 2",
        )


async def map_item(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    pos_item: str,
    items: Sequence[IngredientLike],
    actor: str,
) -> Change:
    """`map "Margarita" = 1.5 oz Milagro Blanco + 0.75 oz Cointreau`: closes the mapping in
    effect at now and opens this one. Quantities need a unit or a serving name (a bare number
    is containers of the product). Raises `InvalidInput`, `NotFound`, `Ambiguous`."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        recipe = await recipe_items(uow, place, items, now)
        thing = await pos_thing(uow, place, PosKind.ITEM, pos_item, now, create=True)
        change = await map_thing_in(uow, place, thing, recipe, now=now, actor=actor)
        await uow.commit()
        return change


async def unmap_item(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, pos_item: str, actor: str
) -> Change:
    """`unmap "Margarita"`: stops depleting it from now on. Raises `NotFound`, `Ambiguous`."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        thing = await pos_thing(uow, place, PosKind.ITEM, pos_item, now, create=False)
        current = await uow.catalog.recipe(place.id, thing, now)
        if current is None:
            raise NotFound(f"{thing.name!r} is not mapped", hint="see `mappings`")
        close(current, now)
        await uow.catalog.replace_recipe(place.id, thing, None, now, actor)
        names = {p.id: p.name for p in await uow.catalog.products(place.id, archived=True)}
        servings = {s.name: s.quantity for s in await uow.catalog.servings(place.id, now)}
        old = {"recipe": recipe_text(current, names, place.units, servings)}
        change = Change("unmap", thing.name, old, None, actor, now, place)
        return await commit_change(uow, change)
