"""Telling the person who submitted a modal what it did: the modal is gone by then, so the answer
goes through the response_url of the command or button that opened it while that is valid, else
as an ephemeral message in the channel, else as a direct message."""

from __future__ import annotations

import logging

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.replies import Reply
from bot.slack.blocks import render_reply
from bot.slack.context import Who

logger = logging.getLogger(__name__)


async def confirm(reply: Reply, who: Who, client: AsyncWebClient, response_url: str | None) -> None:
    """The reply, to `who` only (ephemeral), by the first way that works."""
    message = render_reply(reply)
    if response_url:
        sent = await AsyncRespond(response_url=response_url)(
            **message.payload(), response_type="ephemeral", replace_original=False
        )
        if sent.status_code == 200:
            return
    if who.channel_id is not None:
        try:
            await client.chat_postEphemeral(
                channel=who.channel_id, user=who.user_id, **message.payload()
            )
            return
        except SlackApiError as error:
            logger.info("ephemeral confirmation failed: %s", error.response.get("error"))
    await client.chat_postMessage(channel=who.user_id, **message.payload())
