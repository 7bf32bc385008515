"""Where and when alerts and summaries go, and whether refunds restock.

Decisions where the rules are silent:
- `alerts variance 12.5% min $5` alerts when a product's variance is at least 12.5% of expected
  usage AND (when a minimum is given) its cost is at least $5; both are stored, checked by the
  alerting worker.
- `summary off` keeps the channel (so `summary 07:00` later needs it again anyway): only the time
  is cleared.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from decimal import Decimal

from engine.errors import InvalidInput
from engine.ports import Clock, UnitOfWorkFactory
from engine.records import VenueSettings
from engine.usecases.common import (
    Change,
    Values,
    VenueRef,
    commit_change,
    load_venue,
    require_actor,
)
from engine.usecases.inputs import MoneyLike, resolve_money, resolve_percent


async def get_settings(uow_factory: UnitOfWorkFactory, venue: VenueRef) -> VenueSettings:
    """The venue's alert and summary settings (defaults when never set)."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        return await uow.settings.get(place.id)


def _values(settings: VenueSettings, fields: tuple[str, ...], locale: str) -> Values:
    shown: dict[str, str | bool | None] = {}
    for name in fields:
        value = getattr(settings, name)
        if name == "variance_alert_pct" and value is not None:
            value = f"{Decimal(value).scaleb(-3).normalize():f}%"
        elif name == "variance_alert_min" and value is not None:
            value = value.display(locale)
        elif name == "summary_time" and value is not None:
            value = value.strftime("%H:%M")
        shown[name] = value
    return shown


async def _change(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    actor: str,
    action: str,
    **changes: object,
) -> Change:
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        if "variance_alert_min" in changes and isinstance(changes["variance_alert_min"], tuple):
            amount, symbol = changes["variance_alert_min"]
            changes["variance_alert_min"] = resolve_money(amount, symbol, place.currency)
        old = await uow.settings.get(place.id)
        new = replace(old, **changes)  # type: ignore[arg-type]
        await uow.settings.put(place.id, new)
        fields = tuple(changes)
        change = Change(
            action,
            place.slug,
            _values(old, fields, place.locale),
            _values(new, fields, place.locale),
            actor,
            now,
            place,
        )
        return await commit_change(uow, change)


def _channel(channel: str) -> str:
    cleaned = channel.strip().lstrip("#")
    if not cleaned:
        raise InvalidInput("a channel is needed", hint="e.g. alerts C0123ABC")
    return cleaned


async def set_alert_channel(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, channel: str, actor: str
) -> Change:
    """`alerts C0123ABC`: the Slack channel id alerts go to."""
    return await _change(
        uow_factory, clock, venue, actor, "alerts.channel", alert_channel=_channel(channel)
    )


async def set_low_alerts(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, on: bool, actor: str
) -> Change:
    """`alerts low on|off`."""
    return await _change(uow_factory, clock, venue, actor, "alerts.low", low_stock_alerts=on)


async def set_variance_alert(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    pct: Decimal,
    min_amount: MoneyLike | None = None,
    actor: str,
) -> Change:
    """`alerts variance 12.5% [min $5]`."""
    minimum = None if min_amount is None else (min_amount.amount, min_amount.symbol)
    return await _change(
        uow_factory,
        clock,
        venue,
        actor,
        "alerts.variance",
        variance_alert_pct=resolve_percent(pct),
        variance_alert_min=minimum,
    )


async def schedule_summary(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    at: time,
    channel: str,
    actor: str,
) -> Change:
    """`summary 07:00 C0123ABC`: post the daily summary at this venue-local time."""
    return await _change(
        uow_factory,
        clock,
        venue,
        actor,
        "summary.schedule",
        summary_time=at.replace(second=0, microsecond=0, tzinfo=None),
        summary_channel=_channel(channel),
    )


async def summary_off(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, actor: str
) -> Change:
    """`summary off`."""
    return await _change(uow_factory, clock, venue, actor, "summary.off", summary_time=None)


async def set_restock_refunds(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, *, on: bool, actor: str
) -> Change:
    """Whether refunded drinks go back on the shelf (rule 10); off by default."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        await uow.venues.set_restock_refunds(place.id, on)
        change = Change(
            "venue.restock_refunds",
            place.slug,
            {"restock_refunds": place.restock_refunds},
            {"restock_refunds": on},
            actor,
            now,
            place,
        )
        return await commit_change(uow, change)
