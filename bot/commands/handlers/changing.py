"""The changing commands (managers only; `session.authorise` has checked): each calls its use
case and answers what changed, old and new, and who did it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, cast

from bot.commands import commands as c
from bot.commands.handlers.reading import AnyHandler
from bot.commands.replies import Reply
from bot.commands.rules import rule_input
from bot.commands.views.changes import change_reply
from engine.usecases import catalog, ledger
from engine.usecases.common import Change

if TYPE_CHECKING:
    from bot.commands.context import SessionContext

# `(uow, clock, venue, *, <its own fields>, actor) -> Change`: the fields differ per use case, so
# only the answer is typed (the tests run every handler against its use case).
ChangeUseCase = Callable[..., Awaitable[Change]]


async def apply(ctx: SessionContext, use_case: ChangeUseCase, **fields: object) -> Reply:
    """Run one changing use case for the venue, as the person who typed, and answer what changed.

    Every changing command (here and in `settings`) differs only in its use case and its fields.
    """
    change = await use_case(ctx.uow, ctx.clock, ctx.slug, **fields, actor=ctx.actor.audit_name)
    return change_reply(change, ctx.actor.display)


async def product_add(command: c.ProductAdd, ctx: SessionContext) -> Reply:
    return await apply(
        ctx,
        catalog.add_product,
        name=command.name,
        container=command.container,
        cost=command.cost,
        par=command.par,
        reorder=command.reorder,
        category=command.category,
    )


async def product_set(command: c.ProductSet, ctx: SessionContext) -> Reply:
    return await apply(
        ctx, catalog.set_product, product=command.name, field=command.field, value=command.value
    )


async def serving(command: c.ServingSet, ctx: SessionContext) -> Reply:
    return await apply(ctx, catalog.set_serving, name=command.name, quantity=command.quantity)


async def map_(command: c.Map, ctx: SessionContext) -> Reply:
    return await apply(ctx, catalog.map_item, pos_item=command.pos_item, items=command.items)


async def unmap(command: c.Unmap, ctx: SessionContext) -> Reply:
    return await apply(ctx, catalog.unmap_item, pos_item=command.pos_item)


async def modifier(command: c.ModifierRuleSet, ctx: SessionContext) -> Reply:
    rule = rule_input(command.rule)
    return await apply(ctx, catalog.set_modifier_rule, modifier=command.modifier, rule=rule)


async def count(command: c.Count, ctx: SessionContext) -> Reply:
    return await apply(ctx, ledger.record_count, product=command.product, amount=command.amount)


async def receive(command: c.Receive, ctx: SessionContext) -> Reply:
    return await apply(
        ctx,
        ledger.record_receiving,
        product=command.product,
        containers=command.containers,
        cost=command.cost,
    )


async def waste(command: c.Waste, ctx: SessionContext) -> Reply:
    return await apply(
        ctx,
        ledger.record_waste,
        product=command.product,
        quantity=command.quantity,
        reason=command.reason,
    )


CHANGING = cast(
    Mapping[type[c.Command], AnyHandler],
    {
        c.ProductAdd: product_add,
        c.ProductSet: product_set,
        c.ServingSet: serving,
        c.Map: map_,
        c.Unmap: unmap,
        c.ModifierRuleSet: modifier,
        c.Count: count,
        c.Receive: receive,
        c.Waste: waste,
    },
)
