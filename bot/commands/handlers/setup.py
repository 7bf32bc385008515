"""Bulk set-up and the review queue (issue 9): imports read their file through the front-end's
`FileSource`, then run one all-or-nothing use case each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from bot.commands import commands_setup as cs
from bot.commands.bulk.mappings_file import read_mappings
from bot.commands.bulk.menu_file import read_menu
from bot.commands.bulk.products_file import read_products
from bot.commands.commands import Command
from bot.commands.handlers.reading import AnyHandler
from bot.commands.replies import Reply
from bot.commands.views.setup import accepted_reply, bulk_reply, menu_reply, review_reply
from engine.usecases import bulk, menus, review

if TYPE_CHECKING:
    from bot.commands.context import SessionContext


async def menu_import(command: cs.MenuImport, ctx: SessionContext) -> Reply:
    menu = read_menu(await ctx.read_file(command.file), command.file, command.provider)
    result = await menus.record_menu(ctx.uow, ctx.clock, ctx.slug, menu, actor=ctx.actor.audit_name)
    return menu_reply(result, ctx.slug, ctx.actor.display)


async def product_import(command: cs.ProductImport, ctx: SessionContext) -> Reply:
    rows = read_products(await ctx.read_file(command.file), command.file)
    result = await bulk.import_products(
        ctx.uow, ctx.clock, ctx.slug, rows, file=command.file, actor=ctx.actor.audit_name
    )
    return bulk_reply(result, "products", ctx.slug, ctx.actor.display)


async def map_import(command: cs.MapImport, ctx: SessionContext) -> Reply:
    rows = read_mappings(await ctx.read_file(command.file), command.file)
    result = await bulk.import_mappings(
        ctx.uow, ctx.clock, ctx.slug, rows, file=command.file, actor=ctx.actor.audit_name
    )
    return bulk_reply(result, "mappings", ctx.slug, ctx.actor.display)


async def review_(command: cs.Review, ctx: SessionContext) -> Reply:
    return review_reply(await review.review(ctx.uow, ctx.clock, ctx.slug), command.page)


async def review_accept(command: cs.ReviewAccept, ctx: SessionContext) -> Reply:
    changes = await review.accept(
        ctx.uow,
        ctx.clock,
        ctx.slug,
        name=command.name,
        above=command.above,
        actor=ctx.actor.audit_name,
    )
    return accepted_reply(changes, ctx.slug, ctx.actor.display)


SETUP = cast(
    Mapping[type[Command], AnyHandler],
    {
        cs.MenuImport: menu_import,
        cs.ProductImport: product_import,
        cs.MapImport: map_import,
        cs.Review: review_,
        cs.ReviewAccept: review_accept,
    },
)
