"""The Bolt listeners: `/barback`, its buttons, the App Home; the mapping modal
(`bot.slack.mapping_listeners`) and the count sheet (`bot.slack.count_listeners`).

Everything typed or clicked goes through `bot.commands.session.run` with a context from
`SlackFrontEnd.session`, which decides the venue and the manager right per request, so a button
or a modal is checked again exactly like typed text.

Timing (slack-platform.md §1.3): Slack wants an answer within 3 seconds. `/barback` and buttons
`ack()` at once and answer through the response_url (ephemeral unless asked otherwise: §8), a
long answer over several messages, the rest of a very long one behind a More button
(`bot.slack.answers`); a chart is drawn by the `Charts` renderer off the event loop and uploaded
to the channel afterwards. A modal submission runs its command before it acks, so a refusal
shows in the modal.

Events API retries (§2.3): Slack redelivers an event it thinks failed, with `X-Slack-Retry-Num`;
Bolt ignores the header, so `drop_redelivered_events` answers a redelivery of an event this
process already took (by `event_id`) with `X-Slack-No-Retry: 1` and does not run it again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import commands as c
from bot.commands import grammar
from bot.commands.replies import ChartSpec, Document, Reply
from bot.commands.session import run
from bot.slack.answers import MORE_ACTION_ID, poster, read_more, rerunnable, send_pages
from bot.slack.blocks import COMMAND_ACTION_ID, fallback
from bot.slack.context import SlackFrontEnd, Who
from bot.slack.count_listeners import CountSheetListeners
from bot.slack.dashboard import dashboards
from bot.slack.files import post_chart, post_document
from bot.slack.home import HOME_PAGE_ACTION_ID, HOME_REFRESH_ACTION_ID, home_page, home_view
from bot.slack.mapping_listeners import MappingListeners
from bot.slack.modals import (
    mapping_request,
)
from bot.slack.pages import render_pages, reply_text
from bot.slack.redelivery import RecentEvents
from engine.errors import InvalidInput

__all__ = ["Charts", "register"]

logger = logging.getLogger(__name__)

COMMAND = "/barback"
FAILED = (
    ":warning: Something went wrong on our side, and nothing was changed by it. "
    "If it happens again, tell whoever runs barback the request id `{request_id}`."
)
NO_CHART_HERE = (
    ":information_source: The chart could not be posted here: invite me to this channel "
    "(`/invite @barback`) and ask again."
)
NO_FILE_HERE = (
    ":information_source: The file could not be posted here: invite me to this channel "
    "(`/invite @barback`) and ask again."
)


class Charts(Protocol):
    """Draws a chart off the event loop (`bot.charts.ChartRenderer`)."""

    async def render(self, spec: ChartSpec) -> bytes: ...


def register(
    bolt: AsyncApp,
    front_end: SlackFrontEnd,
    charts: Charts,
    *,
    request_id: Callable[[], str],
    command: str = COMMAND,
) -> None:
    """Add barback's listeners, middleware and error handler to `bolt`."""
    listeners = _Listeners(front_end, charts, request_id)
    listeners.counts.register(bolt)
    listeners.mapping.register(bolt)
    bolt.middleware(listeners.drop_redelivered_events)
    bolt.command(command)(listeners.on_command)
    bolt.action(COMMAND_ACTION_ID)(listeners.on_button)
    bolt.action(MORE_ACTION_ID)(listeners.on_more)
    bolt.event("app_home_opened")(listeners.on_home_opened)
    bolt.action(HOME_REFRESH_ACTION_ID)(listeners.on_home_refresh)
    bolt.action(HOME_PAGE_ACTION_ID)(listeners.on_home_refresh)
    bolt.error(listeners.on_error)


class _Listeners:
    def __init__(
        self, front_end: SlackFrontEnd, charts: Charts, request_id: Callable[[], str]
    ) -> None:
        self.fe = front_end
        self.charts = charts
        self.request_id = request_id
        self.events = RecentEvents()
        self.counts = CountSheetListeners(front_end, self._after_ack)
        self.mapping = MappingListeners(front_end, self._after_ack)

    # --- middleware and errors ---------------------------------------------------------------

    async def drop_redelivered_events(
        self,
        body: dict[str, Any],
        request: AsyncBoltRequest,
        next: Callable[[], Awaitable[BoltResponse | None]],
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        redelivered = isinstance(event_id, str) and not self.events.add(event_id)
        if redelivered and request.headers.get("x-slack-retry-num"):
            logger.info("dropped a redelivered Slack event", extra={"event_id": event_id})
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        return await next()

    async def on_error(
        self, error: Exception, body: dict[str, Any], respond: AsyncRespond | None
    ) -> None:
        """Bolt's error edge: log with a request id; tell the person that id, never a trace."""
        rid = self.request_id()
        logger.error(
            "Slack listener failed (request id %s)",
            rid,
            exc_info=error,
            extra={"request_id": rid, "payload_type": body.get("type") or body.get("command")},
        )
        if respond is not None and respond.response_url:
            try:
                await respond(text=FAILED.format(request_id=rid), response_type="ephemeral")
            except Exception:  # the error edge itself must not raise
                logger.exception("could not tell the user about request %s", rid)

    async def _after_ack(
        self, work: Awaitable[None], body: dict[str, Any], respond: AsyncRespond | None = None
    ) -> None:
        """Run the part of a listener that follows its `ack()`, answering its failure here.

        Bolt's asyncio runner (slack_bolt 1.30, `AsyncioListenerRunner.run`) polls every 10 ms
        for the ack; when a listener acks and then raises before the next poll, the runner's
        error path sets the ack's response back to None, waits out the 3-second ack timeout and
        answers 404 "unhandled request", which the manager sees as `dispatch_failed`. A failure
        within 10 ms of the ack is ordinary (Slack or the database refusing at once), so nothing
        after an ack may reach Bolt as an exception: it goes to the same error edge from here.
        """
        try:
            await work
        except Exception as error:
            await self.on_error(error, body, respond)

    # --- /barback and its buttons ------------------------------------------------------------

    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        who = Who.of(context, command.get("channel_id"))
        text = str(command.get("text") or "").strip() or "help"
        answer = self._answer(text, who, client, respond, trigger_id=command.get("trigger_id"))
        await self._after_ack(answer, command, respond)

    async def on_button(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        who = Who.of(context, context.channel_id)
        text = str(action.get("value") or "")
        answer = self._answer(text, who, client, respond, trigger_id=body.get("trigger_id"))
        await self._after_ack(answer, body, respond)

    async def on_more(
        self,
        ack: AsyncAck,
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """A More button: the command again (it only reads), its next pages."""
        await ack()
        more = read_more(action.get("value"))
        if more is None or rerunnable(more.command) is None:
            return  # not a pager we made: nothing to run
        who = Who.of(context, context.channel_id)

        async def next_pages() -> None:
            ctx = await self.fe.session(more.command, who, client)
            pages = render_pages(ctx if isinstance(ctx, Reply) else await run(more.command, ctx))
            post = poster(respond, client, channel_id=who.channel_id, user_id=who.user_id)
            await send_pages(post, pages, rerun=more.command, start=min(more.page, len(pages)))

        await self._after_ack(next_pages(), {"type": "block_actions"}, respond)

    async def _answer(
        self,
        text: str,
        who: Who,
        client: AsyncWebClient,
        respond: AsyncRespond,
        *,
        trigger_id: str | None,
    ) -> None:
        item = mapping_request(text)
        post = poster(respond, client, channel_id=who.channel_id, user_id=who.user_id)
        ctx = await self.fe.session(text, who, client)
        if isinstance(ctx, Reply):
            await send_pages(post, render_pages(ctx), rerun=rerunnable(text))
            return
        if item is not None:
            await self.mapping.open(item, ctx, who, client, respond, trigger_id)
            return
        if _opens_count_sheet(text):
            await self.counts.open(ctx.venue, who, client, respond, trigger_id)
            return
        reply = await run(text, ctx)
        await send_pages(post, render_pages(reply), rerun=rerunnable(text))
        if reply.ok and reply.document is not None and who.channel_id is not None:
            await self._post_document(reply.document, who.channel_id, client, respond)
        chart = reply.chart
        if reply.ok and chart is not None and chart.has_sales and who.channel_id is not None:
            await self._post_chart(chart, reply, who.channel_id, client, respond)

    async def _post_document(
        self, document: Document, channel_id: str, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        try:
            await post_document(client, channel_id=channel_id, document=document)
        except SlackApiError as error:
            if error.response.get("error") not in ("not_in_channel", "channel_not_found"):
                raise
            await respond(text=NO_FILE_HERE, response_type="ephemeral")

    async def _post_chart(
        self,
        spec: ChartSpec,
        reply: Reply,
        channel_id: str,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        png = await self.charts.render(spec)
        try:
            comment = fallback(reply_text(reply))
            await post_chart(client, channel_id=channel_id, png=png, spec=spec, comment=comment)
        except SlackApiError as error:
            if error.response.get("error") not in ("not_in_channel", "channel_not_found"):
                raise
            await respond(text=NO_CHART_HERE, response_type="ephemeral")

    # --- App Home ----------------------------------------------------------------------------

    async def on_home_opened(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("tab") == "home":
            await self._publish_home(Who.of(context, None), client)

    async def on_home_refresh(
        self,
        ack: AsyncAck,
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """Refresh (the page shown) and the Previous/Next venues buttons: their value is a page."""
        await ack()
        page = home_page(action.get("value"))
        await self._after_ack(self._publish_home(Who.of(context, None), client, page), {})

    async def _publish_home(self, who: Who, client: AsyncWebClient, page: int = 0) -> None:
        venues = await self.fe.venues_of(who)
        boards = await dashboards(self.fe.uow, self.fe.clock, venues)
        view = home_view(boards, as_of=self.fe.clock.now(), page=page)
        await client.views_publish(user_id=who.user_id, view=view)


def _opens_count_sheet(text: str) -> bool:
    """`count` or `count sheet`: in Slack the sheet is a form (`count sheet counts.csv` is the
    sheet as a file, uploaded to the channel by the grammar's own handler)."""
    try:
        command = grammar.parse(text)
    except InvalidInput:
        return False
    return isinstance(command, c.CountSheet) and command.file is None
