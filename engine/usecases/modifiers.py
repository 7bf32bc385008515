"""`modifier "Double" = x2 | + 0.5 oz Grand Marnier | swap A -> B | price only`: the rule in
effect is closed and the new one opened at now. The modifier is found like a POS item. See
`catalog`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from engine.catalog import (
    Add,
    Multiply,
    PriceOnly,
    Product,
    RuleKind,
    Swap,
)
from engine.errors import InvalidInput
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.quantity import Quantity
from engine.records import PosKind, PosThing
from engine.usecases.common import (
    Change,
    VenueRef,
    find_product,
    load_venue,
    record_change,
    require_actor,
)
from engine.usecases.describe import rule_text
from engine.usecases.finding import by_name_note, pos_thing
from engine.usecases.inputs import resolve_quantity
from engine.usecases.rules import AddRule, MultiplyRule, RuleInput, SwapRule
from engine.venue import Venue
from engine.versioning import close


async def set_modifier_rule(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    modifier: str,
    rule: RuleInput,
    actor: str,
) -> Change:
    """`modifier "Double" = x2 | + 0.5 oz Grand Marnier | swap A -> B | price only`: closes the
    rule in effect and opens this one. The modifier is found like a POS item (`map`)."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        kind = await rule_kind(uow, place, rule, now)
        thing = await pos_thing(uow, place, PosKind.MODIFIER, modifier, now, create=True)
        change = await rule_thing_in(uow, place, thing, kind, now=now, actor=actor)
        await uow.commit()
        return change


async def rule_kind(uow: UnitOfWork, place: Venue, rule: RuleInput, now: datetime) -> RuleKind:
    """A rule as typed, resolved against the venue's products and servings in effect now."""
    products = await uow.catalog.products(place.id)
    servings = {s.name: s.quantity for s in await uow.catalog.servings(place.id, now)}
    return _rule_kind(rule, products, servings, place)


async def rule_thing_in(
    uow: UnitOfWork,
    place: Venue,
    thing: PosThing,
    kind: RuleKind,
    *,
    now: datetime,
    actor: str,
) -> Change:
    """Give the modifier `thing` the rule `kind` from now on, in the caller's transaction."""
    current = await uow.catalog.rule(place.id, thing, now)
    if current is not None:
        close(current, now)
    await uow.catalog.replace_rule(place.id, thing, kind, now, actor)
    names = {p.id: p.name for p in await uow.catalog.products(place.id)}
    old = None if current is None else {"rule": rule_text(current.kind, names, place.units)}
    new = {"rule": rule_text(kind, names, place.units), **by_name_note(thing)}
    return await record_change(uow, Change("modifier", thing.name, old, new, actor, now, place))


def _rule_kind(
    rule: RuleInput,
    products: Sequence[Product],
    servings: dict[str, Quantity],
    place: Venue,
) -> RuleKind:
    if isinstance(rule, MultiplyRule):
        if rule.factor <= 0 or (rule.factor * 1000).denominator != 1:
            raise InvalidInput(
                f"multiplier x{rule.factor} is not valid", hint="more than 0, e.g. x2 or x1.5"
            )
        return Multiply(rule.factor)
    if isinstance(rule, AddRule):
        product = find_product(products, rule.product)
        resolved = resolve_quantity(
            rule.quantity.amount,
            rule.quantity.unit,
            place.units,
            servings,
            dimension=product.dimension,
            container=product.container_size,
        )
        return Add(product.id, resolved.quantity, resolved.serving_name)
    if isinstance(rule, SwapRule):
        return Swap(
            find_product(products, rule.from_product).id,
            find_product(products, rule.to_product).id,
        )
    return PriceOnly()
