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
from engine.connections import PosOffer
from engine.errors import InvalidInput
from engine.usecases import connections, settings
from engine.usecases.connections import connect_account

if TYPE_CHECKING:
    from bot.commands.context import SessionContext


def channel_id(channel: c.ChannelRef) -> str:
    if channel.id is None:
        name = f"#{channel.name}"
        raise InvalidInput(m.CHANNEL_NEEDS_ID.format(name=name), hint=m.CHANNEL_NEEDS_ID_HINT)
    return channel.id


async def alerts_channel(command: c.AlertsChannel, ctx: SessionContext) -> Reply:
    return await apply(ctx, settings.set_alert_channel, channel=channel_id(command.channel))


async def alerts_low(command: c.AlertsLow, ctx: SessionContext) -> Reply:
    return await apply(ctx, settings.set_low_alerts, on=command.on)


async def restock_refunds(command: c.RestockRefunds, ctx: SessionContext) -> Reply:
    return await apply(ctx, settings.set_restock_refunds, on=command.on)


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
    """A consent link, or (Toast) the account bound; `connect` alone lists what is ready.

    Without `ctx.pos_offers` (a front-end that does not know the service's settings) every POS
    is answered with its link, as before offers existed."""
    provider = command.provider
    offers = ctx.pos_offers
    if provider is None:
        return _offers(offers or {})
    offer = None if offers is None else offers.get(provider)
    if offers is not None:
        if offer is None:
            ready = ", ".join(sorted(o.provider for o in offers.values() if o.configured))
            hint = f"it can connect: {ready}" if ready else None
            return Reply.refusal(m.CONNECT_UNKNOWN.format(provider=provider), "invalid_input",
                                 hint=hint)  # fmt: skip
        if not offer.configured:
            text = m.CONNECT_NOT_CONFIGURED.format(
                label=offer.label, settings=", ".join(offer.missing)
            )
            return Reply.refusal(text, "not_configured", hint=m.CONNECT_NOT_CONFIGURED_HINT)
    if offer is not None and offer.binder is not None:
        if command.account is None:
            text = m.CONNECT_NEEDS_ACCOUNT.format(provider=provider, account=offer.account)
            hint = m.CONNECT_NEEDS_ACCOUNT_HINT.format(provider=provider, account=offer.account)
            return Reply.refusal(text, "invalid_input", hint=hint)
        return await apply(
            ctx,
            connect_account,
            binder=offer.binder,
            label=offer.label,
            account=command.account,
            kind=offer.account_kind,
        )
    if command.account is not None:
        text = m.CONNECT_NO_ACCOUNT.format(provider=provider, what=repr(command.account))
        return Reply.refusal(text, "invalid_input", hint=m.CONNECT_NO_ACCOUNT_HINT.format(
            provider=provider))  # fmt: skip
    if ctx.public_url is None:
        return Reply.refusal(m.CONNECT_NO_URL, "invalid_input", hint=m.CONNECT_NO_URL_HINT)
    if ctx.connect_key is None:
        return Reply.refusal(m.CONNECT_NO_KEY, "invalid_input", hint=m.CONNECT_NO_KEY_HINT)
    url = connect_link(ctx.public_url, provider, ctx.slug, ctx.connect_key, ctx.clock.now())
    summary = m.CONNECT.format(provider=provider, url=url)
    return Reply(summary=summary, data={"venue": ctx.slug, "provider": provider, "url": url})


def _offers(offers: Mapping[str, PosOffer]) -> Reply:
    ready = [o for o in offers.values() if o.configured]
    unready = [o for o in offers.values() if not o.configured]
    words = [f"{o.provider} <{o.account}>" if o.binder is not None else o.provider for o in ready]
    summary = m.CONNECT_OFFERS.format(ready=", ".join(words)) if ready else m.CONNECT_OFFERS_NONE
    hint = None
    if unready:
        missing = "; ".join(
            m.CONNECT_UNREADY.format(label=o.label, settings=", ".join(o.missing)) for o in unready
        )
        hint = m.CONNECT_OFFERS_HINT.format(unready=missing)
    data = {
        "ready": [o.provider for o in ready],
        "not_configured": {o.provider: list(o.missing) for o in unready},
    }
    return Reply(summary=summary if hint is None else f"{summary}\n{hint}", data=data)


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
        c.RestockRefunds: restock_refunds,
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
