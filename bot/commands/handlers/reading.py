"""The reading commands: anyone may run them; nothing changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from bot.commands import commands as c
from bot.commands.help import help_text
from bot.commands.replies import Reply
from bot.commands.views.catalog import mappings_reply, products_reply, unmapped_reply
from bot.commands.views.ledger import history_reply, simulate_reply, why_reply
from bot.commands.views.sales import sales_reply
from bot.commands.views.setup import mappings_sheet, products_sheet
from bot.commands.views.stock import stock_reply
from bot.commands.views.variance import variance_reply
from engine.usecases import reports

if TYPE_CHECKING:
    from bot.commands.context import SessionContext


async def help_(command: c.Help, ctx: SessionContext) -> Reply:
    text = help_text(command.topic)
    return Reply(summary=text, data={"topic": command.topic, "help": text})


async def stock(command: c.Stock, ctx: SessionContext) -> Reply:
    report = await reports.stock(ctx.uow, ctx.clock, ctx.slug, command.product)
    return stock_reply(report, command.product)


async def sales(command: c.Sales, ctx: SessionContext) -> Reply:
    return sales_reply(await reports.sales(ctx.uow, ctx.clock, ctx.slug, command.period))


async def variance(command: c.Variance, ctx: SessionContext) -> Reply:
    report = await reports.variance(ctx.uow, ctx.clock, ctx.slug, command.product, command.range)
    return variance_reply(report)


async def unmapped(command: c.Unmapped, ctx: SessionContext) -> Reply:
    return unmapped_reply(await reports.unmapped(ctx.uow, ctx.slug, menu=command.all))


async def mappings(command: c.Mappings, ctx: SessionContext) -> Reply:
    report = await reports.mappings(ctx.uow, ctx.clock, ctx.slug, command.pos_item)
    return mappings_sheet(report) if command.csv else mappings_reply(report)


async def products(command: c.Products, ctx: SessionContext) -> Reply:
    report = await reports.products(ctx.uow, ctx.slug)
    return products_sheet(report) if command.csv else products_reply(report)


async def why(command: c.Why, ctx: SessionContext) -> Reply:
    return why_reply(await reports.why(ctx.uow, ctx.clock, ctx.slug, command.product))


async def simulate(command: c.Simulate, ctx: SessionContext) -> Reply:
    report = await reports.simulate(
        ctx.uow, ctx.clock, ctx.slug, command.pos_item, command.modifiers
    )
    return simulate_reply(report)


async def history(command: c.History, ctx: SessionContext) -> Reply:
    return history_reply(await reports.history(ctx.uow, ctx.slug, command.n))


AnyHandler = Callable[[Any, "SessionContext"], Awaitable[Reply]]

READING = cast(
    Mapping[type[c.Command], AnyHandler],
    {
        c.Help: help_,
        c.Stock: stock,
        c.Sales: sales,
        c.Variance: variance,
        c.Unmapped: unmapped,
        c.Mappings: mappings,
        c.Products: products,
        c.Why: why,
        c.Simulate: simulate,
        c.History: history,
    },
)
