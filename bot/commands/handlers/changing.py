"""The changing commands (managers only; `session.authorise` has checked): each calls its use
case and answers what changed, old and new, and who did it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from bot.commands import commands as c
from bot.commands.handlers.reading import AnyHandler
from bot.commands.replies import Reply
from bot.commands.views.changes import change_reply
from engine.usecases import catalog, ledger
from engine.usecases.rules import AddRule, MultiplyRule, PriceOnlyRule, RuleInput, SwapRule

if TYPE_CHECKING:
    from bot.commands.session import SessionContext


async def product_add(command: c.ProductAdd, ctx: SessionContext) -> Reply:
    change = await catalog.add_product(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        name=command.name,
        container=command.container,
        cost=command.cost,
        par=command.par,
        reorder=command.reorder,
        category=command.category,
        actor=ctx.actor.audit_name,
    )
    return change_reply(change, ctx.actor.display)


async def product_set(command: c.ProductSet, ctx: SessionContext) -> Reply:
    change = await catalog.set_product(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        product=command.name,
        field=command.field,
        value=command.value,
        actor=ctx.actor.audit_name,
    )
    return change_reply(change, ctx.actor.display)


async def serving(command: c.ServingSet, ctx: SessionContext) -> Reply:
    change = await catalog.set_serving(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        name=command.name,
        quantity=command.quantity,
        actor=ctx.actor.audit_name,
    )
    return change_reply(change, ctx.actor.display)


async def map_(command: c.Map, ctx: SessionContext) -> Reply:
    change = await catalog.map_item(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        pos_item=command.pos_item,
        items=command.items,
        actor=ctx.actor.audit_name,
    )
    return change_reply(change, ctx.actor.display)


async def unmap(command: c.Unmap, ctx: SessionContext) -> Reply:
    change = await catalog.unmap_item(
        ctx.uow, ctx.clock, ctx.slug, pos_item=command.pos_item, actor=ctx.actor.audit_name
    )
    return change_reply(change, ctx.actor.display)


def rule_input(rule: c.ModifierRule) -> RuleInput:
    """The grammar's rule as the use case's (same fields, the engine's own classes)."""
    if isinstance(rule, c.Multiply):
        return MultiplyRule(rule.factor)
    if isinstance(rule, c.Add):
        return AddRule(rule.quantity, rule.product)
    if isinstance(rule, c.Swap):
        return SwapRule(rule.from_product, rule.to_product)
    return PriceOnlyRule()


async def modifier(command: c.ModifierRuleSet, ctx: SessionContext) -> Reply:
    change = await catalog.set_modifier_rule(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        modifier=command.modifier,
        rule=rule_input(command.rule),
        actor=ctx.actor.audit_name,
    )
    return change_reply(change, ctx.actor.display)


async def count(command: c.Count, ctx: SessionContext) -> Reply:
    change = await ledger.record_count(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        product=command.product,
        amount=command.amount,
        actor=ctx.actor.audit_name,
    )
    return change_reply(change, ctx.actor.display)


async def receive(command: c.Receive, ctx: SessionContext) -> Reply:
    change = await ledger.record_receiving(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        product=command.product,
        containers=command.containers,
        cost=command.cost,
        actor=ctx.actor.audit_name,
    )
    return change_reply(change, ctx.actor.display)


async def waste(command: c.Waste, ctx: SessionContext) -> Reply:
    change = await ledger.record_waste(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        product=command.product,
        quantity=command.quantity,
        reason=command.reason,
        actor=ctx.actor.audit_name,
    )
    return change_reply(change, ctx.actor.display)


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
