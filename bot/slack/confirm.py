"""Telling the person who submitted a modal what it did: the modal is gone by then, so the answer
goes through the response_url of the command or button that opened it while that is valid, else
as an ephemeral message in the channel, else as a direct message (`answers.poster`), in as many
pages as it needs (`pages.render_pages`): never cut."""

from __future__ import annotations

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.replies import Reply
from bot.slack.answers import poster, send_pages
from bot.slack.context import Who
from bot.slack.pages import render_pages


async def confirm(reply: Reply, who: Who, client: AsyncWebClient, response_url: str | None) -> None:
    """The reply, to `who` only (ephemeral), by the first way that works."""
    respond = AsyncRespond(response_url=response_url) if response_url else None
    post = poster(respond, client, channel_id=who.channel_id, user_id=who.user_id)
    await send_pages(post, render_pages(reply), rerun=None)
