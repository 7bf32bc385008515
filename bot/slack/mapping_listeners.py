"""The mapping modal's listeners: `/barback map "<item>"` (or the Map button) opens it with the
item as last seen and the best guess at its recipe, its product fields search the venue's
products, and submitting it runs the `map` command it spells.

A submission runs its command before it acks, so a refusal shows in the modal (Slack's 3-second
answer); the confirmation follows through the response_url, after the ack.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import messages as m
from bot.commands.replies import Reply
from bot.commands.session import SessionContext, run
from bot.slack.answers import poster, send_pages
from bot.slack.confirm import confirm
from bot.slack.context import SlackFrontEnd, Who
from bot.slack.modals import (
    MAP_CALLBACK_ID,
    PRODUCT_ACTION_ID,
    Guess,
    MappingTarget,
    mapping_modal,
    mapping_submission,
    product_block_id,
    product_options,
)
from bot.slack.pages import render_pages, reply_text
from bot.slack.product_search import search_products
from bot.slack.tables import fit
from engine.usecases.notify import mapping_guesses
from engine.venue import Venue

AfterAck = Callable[[Awaitable[None], dict[str, Any]], Awaitable[None]]
NO_MODAL = 'map needs the recipe here: map "{item}" = 1.5 oz <product>'


class MappingListeners:
    def __init__(self, front_end: SlackFrontEnd, after_ack: AfterAck) -> None:
        self.fe = front_end
        self._after_ack = after_ack

    def register(self, bolt: AsyncApp) -> None:
        bolt.options(PRODUCT_ACTION_ID)(self.on_product_search)
        bolt.view(MAP_CALLBACK_ID)(self.on_mapping_submitted)

    async def open(
        self,
        item: str,
        ctx: SessionContext,
        who: Who,
        client: AsyncWebClient,
        respond: AsyncRespond,
        trigger_id: str | None,
    ) -> None:
        refusal = None
        if not ctx.actor.is_manager:
            words = m.NOT_A_MANAGER.format(words="map")
            refusal = Reply.refusal(words, "not_allowed", hint=m.NOT_A_MANAGER_HINT)
        elif not trigger_id:
            refusal = Reply.refusal(NO_MODAL.format(item=item), "invalid_input")
        if refusal is not None:
            post = poster(respond, client, channel_id=who.channel_id, user_id=who.user_id)
            await send_pages(post, render_pages(refusal), rerun=None)
            return
        target, guesses = await self._mapping_target(ctx, item)
        view = mapping_modal(target, guesses)
        meta = json.loads(view["private_metadata"])
        meta.update(channel=who.channel_id, response_url=respond.response_url)
        view["private_metadata"] = json.dumps(meta)
        await client.views_open(trigger_id=trigger_id, view=view)

    async def _mapping_target(
        self, ctx: SessionContext, item: str
    ) -> tuple[MappingTarget, list[Guess]]:
        """The POS item as last seen (its id, its spelling) and the engine's best guess at its
        recipe (the same guess the unmapped alert shows)."""
        async with ctx.uow() as uow:
            things = await uow.queries.unmapped(ctx.venue.id)
        wanted = item.casefold()
        seen = next((t for t in things if t.name.casefold() == wanted), None)
        target = MappingTarget(
            ctx.slug,
            seen.external_id if seen is not None else item,
            seen.name if seen is not None else item,
        )
        guesses = await mapping_guesses(ctx.uow, ctx.clock, ctx.venue.id, target.pos_item)
        return target, [Guess(g.product, g.quantity) for g in guesses if g.quantity]

    async def on_product_search(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        venue = await self._modal_venue(body.get("view") or {}, Who.of(context, None))
        names: list[str] = []
        if venue is not None:
            async with self.fe.uow() as uow:
                names = [p.name for p in await uow.catalog.products(venue.id)]
        await ack(options=product_options(search_products(str(body.get("value") or ""), names)))

    async def _modal_venue(self, view: dict[str, Any], who: Who) -> Venue | None:
        try:
            slug = json.loads(view.get("private_metadata") or "{}").get("venue")
        except ValueError:
            slug = None
        if isinstance(slug, str) and (venue := await self.fe.directory.venue(slug)) is not None:
            return venue
        return await self.fe.venue_for(who)

    async def on_mapping_submitted(
        self,
        ack: AsyncAck,
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        submission = mapping_submission(view)
        if submission.command is None:
            await ack(response_action="errors", errors=dict(submission.errors))
            return
        meta = json.loads(view.get("private_metadata") or "{}")
        who = Who.of(context, meta.get("channel"))
        venue = await self.fe.directory.venue(submission.target.venue)
        ctx = await self.fe.session(submission.command, who, client, venue=venue)
        reply = ctx if isinstance(ctx, Reply) else await run(submission.command, ctx)
        if not reply.ok:
            error = fit(reply_text(reply), 150)
            await ack(response_action="errors", errors={product_block_id(1): error})
            return
        await ack()
        await self._after_ack(confirm(reply, who, client, meta.get("response_url")), view)
