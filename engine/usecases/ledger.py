"""Recording what happens on the shelf: counts, deliveries and waste, at now.

Decisions where the rules are silent:
- A count typed as a bare number is containers (`3.4` = 3.4 x the container size in effect); with
  a unit or a serving name it is that quantity. Zero is allowed (an empty shelf).
- A delivery is whole or fractional containers of the container size in effect; `@ $cost` opens a
  new cost version at the delivery's instant (so sales from then on are costed at it). A free
  delivery (`@ free`, a cost of 0) is recorded at 0 but leaves the product's cost as it was: a
  gift bottle is not a new price.
- A count above 10,000 containers is refused as implausible (`engine.count_sheets`).
- Waste may be typed as containers, a unit quantity or a serving (`waste tito shot spilled`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from fractions import Fraction

from engine.catalog import Product, ProductCost
from engine.count_sheets import check_plausible
from engine.display import format_milli_containers, format_quantity
from engine.errors import InvalidInput
from engine.inventory import Count, Receiving, Waste
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.quantity import Quantity
from engine.usecases.common import (
    Change,
    VenueRef,
    commit_change,
    find_product,
    load_venue,
    require_actor,
)
from engine.usecases.inputs import (
    MoneyLike,
    QuantityLike,
    Resolved,
    resolve_containers,
    resolve_money,
    resolve_quantity,
)
from engine.usecases.notify import after_count, after_stock_change
from engine.venue import Venue
from engine.versioning import close


async def _open(uow: UnitOfWork, venue: VenueRef, product: str) -> tuple[Venue, Product, Quantity]:
    place = await load_venue(uow, venue)
    found = find_product(await uow.catalog.products(place.id, archived=True), product)
    before = (await uow.queries.on_hand(place.id, found.id))[0].on_hand
    return place, found, before


async def _resolve(
    uow: UnitOfWork,
    place: Venue,
    product: Product,
    typed: QuantityLike,
    now: datetime,
    *,
    allow_zero: bool = False,
) -> Resolved:
    servings = {s.name: s.quantity for s in await uow.catalog.servings(place.id, now)}
    return resolve_quantity(
        typed.amount,
        typed.unit,
        place.units,
        servings,
        dimension=product.dimension,
        container=product.container_size,
        allow_zero=allow_zero,
    )


async def record_count(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    product: str,
    amount: QuantityLike,
    actor: str,
) -> Change:
    """`count "Tito's" 3.4` or `count tito 2550 ml`: sets on-hand to what was counted, now."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place, found, before = await _open(uow, venue, product)
        resolved = await _resolve(uow, place, found, amount, now, allow_zero=True)
        check_plausible(found, resolved.quantity)
        await uow.ledger.add_count(place.id, Count(found.id, now, resolved.quantity), actor)
        # Alerts (issue 5): low stock / re-arm and variance, as outbox rows in this transaction.
        await after_count(uow, place, found, before, resolved.quantity, now, actor=actor)
        change = Change(
            "count",
            found.name,
            {"on_hand": format_quantity(before, place.units)},
            {"on_hand": format_quantity(resolved.quantity, place.units)},
            actor,
            now,
            place,
        )
        return await commit_change(uow, change)


async def record_receiving(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    product: str,
    containers: Fraction,
    cost: MoneyLike | None = None,
    actor: str,
) -> Change:
    """`receive tito 6 @ $21.00`: adds containers; a cost opens a new cost version."""
    actor = require_actor(actor)
    now = clock.now()
    milli = resolve_containers(containers)
    if milli == 0:
        raise InvalidInput("a delivery needs at least some containers", hint="e.g. receive tito 6")
    async with uow_factory() as uow:
        place, found, before = await _open(uow, venue, product)
        money = None if cost is None else resolve_money(cost.amount, cost.symbol, place.currency)
        quantity = found.container_size.scaled(Fraction(milli, 1000))
        old = {"on_hand": format_quantity(before, place.units)}
        new = {
            "on_hand": format_quantity(before + quantity, place.units),
            "received": format_milli_containers(milli),
        }
        if money is not None and money.minor == 0:
            new["cost"] = "free"  # a gift is not a new price: the product's cost stays
        elif money is not None and money != found.cost_per_container:
            current = await uow.catalog.cost(place.id, found.id, now)
            close(current, now)
            await uow.catalog.open_cost(
                place.id, ProductCost(found.id, money, found.container_size, now)
            )
            await uow.catalog.update_product(place.id, replace(found, cost_per_container=money))
            old["cost"] = found.cost_per_container.display(place.locale)
            new["cost"] = money.display(place.locale)
        receiving = Receiving(found.id, now, quantity, milli, money)
        await uow.ledger.add_receiving(place.id, receiving, actor)
        # Alerts (issue 5): a delivery re-arms low stock (outbox rows in this transaction).
        await after_stock_change(
            uow, place, found, before, before + quantity, now, cause="delivery", actor=actor
        )
        change = Change("receive", found.name, old, new, actor, now, place)
        return await commit_change(uow, change)


async def record_waste(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    product: str,
    quantity: QuantityLike,
    reason: str | None = None,
    actor: str,
) -> Change:
    """`waste tito 1.5 oz broken bottle`: lowers on-hand, counts as explained usage."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place, found, before = await _open(uow, venue, product)
        resolved = await _resolve(uow, place, found, quantity, now)
        why = " ".join((reason or "").split())
        await uow.ledger.add_waste(place.id, Waste(found.id, now, resolved.quantity, why), actor)
        # Alerts (issue 5): waste can take a product below its reorder point.
        after = before - resolved.quantity
        await after_stock_change(uow, place, found, before, after, now, cause="waste", actor=actor)
        change = Change(
            "waste",
            found.name,
            {"on_hand": format_quantity(before, place.units)},
            {
                "on_hand": format_quantity(before - resolved.quantity, place.units),
                "wasted": format_quantity(resolved.quantity, place.units),
                "reason": why or None,
            },
            actor,
            now,
            place,
        )
        return await commit_change(uow, change)
