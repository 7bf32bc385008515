"""Alerts, summaries and the Slack-bound commands.

`alerts ...`, `summary HH:MM <channel>` and `summary off` store settings through the settings use
cases, from any front-end; a channel must then be given by id (the terminal cannot look a name
up in Slack). `connect <pos>` answers the link that starts the POS's authorization;
`disconnect <pos>` ends it (engine/usecases/connections.py).
`use`, `managers add|remove` and `summary post` act on Slack itself: `bot.slack` answers them
(through `SessionContext.front_end_handlers`); elsewhere they say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from bot.commands import commands as c
from bot.commands import messages as m
from bot.commands.handlers.changing import apply
from bot.commands.handlers.reading import AnyHandler
from bot.commands.replies import Reply
from engine.connect_links import connect_link
from engine.errors import InvalidInput
from engine.usecases import connections, settings

if TYPE_CHECKING:
    from bot.commands.session import SessionContext


def channel_id(channel: c.ChannelRef) -> str:
    if channel.id is None:
        name = f"#{channel.name}"
        raise InvalidInput(m.CHANNEL_NEEDS_ID.format(name=name), hint=m.CHANNEL_NEEDS_ID_HINT)
    return channel.id


async def alerts_channel(command: c.AlertsChannel, ctx: SessionContext) -> Reply:
    return await apply(ctx, settings.set_alert_channel, channel=channel_id(command.channel))


async def alerts_low(command: c.AlertsLow, ctx: SessionContext) -> Reply:
    return await apply(ctx, settings.set_low_alerts, on=command.on)


async def alerts_variance(command: c.AlertsVariance, ctx: SessionContext) -> Reply:
    return await apply(
        ctx, settings.set_variance_alert, pct=command.pct, min_amount=command.min_amount
    )


async def summary_schedule(command: c.SummarySchedule, ctx: SessionContext) -> Reply:
    channel = channel_id(command.channel)
    return await apply(ctx, settings.schedule_summary, at=command.time, channel=channel)


async def summary_off(command: c.SummaryOff, ctx: SessionContext) -> Reply:
    return await apply(ctx, settings.summary_off)


async def connect(command: c.Connect, ctx: SessionContext) -> Reply:
    provider = command.provider
    if ctx.public_url is None:
        return Reply.refusal(m.CONNECT_NO_URL, "invalid_input", hint=m.CONNECT_NO_URL_HINT)
    if ctx.connect_key is None:
        return Reply.refusal(m.CONNECT_NO_KEY, "invalid_input", hint=m.CONNECT_NO_KEY_HINT)
    url = connect_link(ctx.public_url, provider, ctx.slug, ctx.connect_key, ctx.clock.now())
    summary = m.CONNECT.format(provider=provider, url=url)
    return Reply(summary=summary, data={"venue": ctx.slug, "provider": provider, "url": url})


async def disconnect(command: c.Disconnect, ctx: SessionContext) -> Reply:
    return await apply(ctx, connections.disconnect, provider=command.provider)


async def slack_only(command: c.Command, ctx: SessionContext) -> Reply:
    words = command.words
    hint = m.SLACK_ONLY_HINT.format(words=words)
    return Reply.refusal(m.SLACK_ONLY.format(words=words), "slack_only", hint=hint)


SETTINGS = cast(
    Mapping[type[c.Command], AnyHandler],
    {
        c.AlertsChannel: alerts_channel,
        c.AlertsLow: alerts_low,
        c.AlertsVariance: alerts_variance,
        c.SummarySchedule: summary_schedule,
        c.SummaryOff: summary_off,
        c.Connect: connect,
        c.Disconnect: disconnect,
        c.SummaryPost: slack_only,
        c.Use: slack_only,
        c.ManagersAdd: slack_only,
        c.ManagersRemove: slack_only,
    },
)
