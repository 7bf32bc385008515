"""Alerts from the booking path, and the daily summary's figures.

`after_booking`, `after_stock_change` and `after_count` run inside the caller's unit of work (the
booking's or the count's transaction), decide with `engine.alerts`, and write outbox rows there:
an alert exists exactly when its cause committed. They never talk to Slack, so a Slack outage
cannot slow or fail a webhook; the dispatcher sends the rows later. With no alert channel set
they read the settings and stop.

Payloads are plain JSON, formatted for people here (the venue's units, money, local times), so
the dispatcher renders them without the database and an alert says what was true when it fired.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from fractions import Fraction

from engine.alerts import (
    UNMAPPED_BATCH,
    AlertKind,
    Json,
    Level,
    NewAlert,
    RecipeGuess,
    VarianceThresholds,
    decide_stock,
    guess_recipe,
    variance_over,
)
from engine.catalog import Product, ProductId
from engine.depletion import Unmapped
from engine.display import format_containers, format_quantity
from engine.exact import to_decimal
from engine.forecast import WINDOW_DAYS, days_to_stockout, suggested_order
from engine.inventory import Variance
from engine.money import format_percent
from engine.movements import BookedLine
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.quantity import Quantity
from engine.receipt import business_day
from engine.records import VenueSettings
from engine.summary import DailySummary, week_before
from engine.usecases.common import VenueRef, load_venue
from engine.usecases.periods import Period, last_full_day, today
from engine.usecases.reports import day_start, sales
from engine.venue import Venue

MAX_KEY = 200


def _key(*parts: object) -> str:
    """A dedupe key; hashed when long (a receipt crossing many products at once)."""
    text = ":".join(str(p) for p in parts)
    return text if len(text) <= MAX_KEY else hashlib.sha256(text.encode()).hexdigest()


def _local(venue: Venue, at: datetime) -> str:
    return at.astimezone(venue.zone).strftime("%a %d %b %H:%M")


def _containers(milli: int) -> str:
    text = f"{to_decimal(Fraction(milli, 1000), 3):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


async def after_booking(
    uow: UnitOfWork,
    venue: Venue,
    sales: Sequence[tuple[datetime, Sequence[BookedLine]]],
    unmapped: Sequence[Unmapped],
    now: datetime,
) -> None:
    """LOW STOCK for products these bookings took across their reorder point; UNMAPPED for POS
    items and modifiers they tallied for the first time. `sales`: each receipt's close and the
    lines it booked (a batch of receipts is one change: its crossings share one message)."""
    if not any(lines for _, lines in sales) and not unmapped:
        return
    settings = await uow.settings.get(venue.id)
    if settings.alert_channel is None:
        return
    moved_by: dict[ProductId, list[tuple[datetime, Quantity]]] = {}
    for closed_at, lines in sales:
        for line in lines:
            for m in line.movements:
                moved_by.setdefault(m.product_id, []).append((closed_at, m.quantity))
    if moved_by and settings.low_stock_alerts:
        ids = set(moved_by)
        if len(ids) <= 3:
            figures = [f for pid in sorted(ids) for f in await uow.queries.on_hand(venue.id, pid)]
        else:
            figures = [f for f in await uow.queries.on_hand(venue.id) if f.product.id in ids]
        levels = []
        for f in figures:
            before = f.on_hand
            for closed_at, quantity in moved_by[f.product.id]:
                # Rule 7: a receipt closed before the last count did not move on-hand.
                if f.last_count_at is None or closed_at > f.last_count_at:
                    before = before + quantity
            levels.append(Level(f.product, before, f.on_hand))
        await _stock(uow, venue, settings, levels, now, cause="sales", actor=None)
    if unmapped:
        await _unmapped(uow, venue, settings, unmapped, now)


async def after_stock_change(
    uow: UnitOfWork,
    venue: Venue,
    product: Product,
    before: Quantity,
    after: Quantity,
    now: datetime,
    *,
    cause: str,
    actor: str,
) -> None:
    """A delivery, a waste or a count moved one product's on-hand: cross or re-arm."""
    settings = await uow.settings.get(venue.id)
    if settings.alert_channel is None or not settings.low_stock_alerts:
        return
    await _stock(uow, venue, settings, [Level(product, before, after)], now, cause, actor)


async def after_count(
    uow: UnitOfWork,
    venue: Venue,
    product: Product,
    before: Quantity,
    after: Quantity,
    now: datetime,
    *,
    actor: str,
) -> None:
    """A count: the stock rules of `after_stock_change`, then VARIANCE over the thresholds."""
    await after_counts(uow, venue, [Level(product, before, after)], now, actor=actor)


async def after_counts(
    uow: UnitOfWork, venue: Venue, levels: Sequence[Level], now: datetime, *, actor: str
) -> None:
    """Counts at one instant (a spot count, or a count session): the products they took across
    their reorder point share one LOW STOCK message; each variance over the thresholds alerts."""
    settings = await uow.settings.get(venue.id)
    if settings.alert_channel is None:
        return
    if settings.low_stock_alerts:
        await _stock(uow, venue, settings, levels, now, "count", actor)
    thresholds = VarianceThresholds(settings.variance_alert_pct, settings.variance_alert_min)
    if thresholds.pct is None:
        return
    counted = {level.product.id: level.product for level in levels}
    one = next(iter(counted)) if len(counted) == 1 else None
    for v in await uow.queries.variances(venue.id, one):
        if v.end.at == now and v.product_id in counted and variance_over(v, thresholds):
            product = counted[v.product_id]
            await _variance_alert(uow, venue, settings, product, v, thresholds, now, actor)


async def _variance_alert(
    uow: UnitOfWork,
    venue: Venue,
    settings: VenueSettings,
    product: Product,
    v: Variance,
    thresholds: VarianceThresholds,
    now: datetime,
    actor: str,
) -> None:
    assert thresholds.pct is not None
    limit = format_percent(Fraction(thresholds.pct, 1000), 1)
    if thresholds.minimum is not None:
        limit += f" and {thresholds.minimum.display(venue.locale)}"
    payload: Json = {
        "channel": settings.alert_channel,
        "venue": venue.name,
        "product": product.name,
        "from": _local(venue, v.start.at),
        "to": _local(venue, v.end.at),
        "expected": format_quantity(v.expected, venue.units),
        "actual": format_quantity(v.actual, venue.units),
        "waste": format_quantity(v.waste, venue.units),
        "variance": format_quantity(v.variance, venue.units),
        "pct": format_percent(v.pct, 1),
        "cost": v.cost.to_money().display(venue.locale),
        "threshold": limit,
        "actor": actor,
    }
    alert = NewAlert(
        venue.id, AlertKind.VARIANCE, _key(venue.id, product.id, now.isoformat()), payload, now
    )
    await uow.alerts.add(alert, now)


async def _stock(
    uow: UnitOfWork,
    venue: Venue,
    settings: VenueSettings,
    levels: Sequence[Level],
    now: datetime,
    cause: str,
    actor: str | None,
) -> None:
    channel = settings.alert_channel
    assert channel is not None
    states = await uow.alerts.states(venue.id, [level.product.id for level in levels])
    decision = decide_stock(levels, states)
    for level, state in decision.lifted:
        if await uow.alerts.rearm(venue.id, level.product.id) and state.alert_id is not None:
            p = level.product
            payload: Json = {
                "channel": channel,
                "thread_of": state.alert_id,
                "product": p.name,
                "on_hand": format_containers(level.after, p.container_size),
                "reorder_at": _containers(p.reorder_at),
                "cause": cause,
                "actor": actor,
            }
            key = _key(venue.id, p.id, state.alert_id)
            await uow.alerts.add(NewAlert(venue.id, AlertKind.RESTOCKED, key, payload, now), now)
    fired: list[tuple[Level, int]] = []
    for level in decision.crossed:
        crossing = await uow.alerts.disarm(venue.id, level.product.id, now)
        if crossing is not None:
            fired.append((level, crossing))
    if not fired:
        return
    rows = await _low_rows(uow, venue, [level for level, _ in fired], now)
    payload = {"channel": channel, "venue": venue.name, "cause": cause, "actor": actor}
    payload["products"] = rows
    key = _key(venue.id, *(f"{level.product.id}.{n}" for level, n in fired))
    alert_id = await uow.alerts.add(NewAlert(venue.id, AlertKind.LOW_STOCK, key, payload, now), now)
    if alert_id is not None:
        await uow.alerts.set_alert(venue.id, [level.product.id for level, _ in fired], alert_id)


async def _low_rows(
    uow: UnitOfWork, venue: Venue, levels: Sequence[Level], now: datetime
) -> list[Json]:
    day = today(venue, now)
    usage = await uow.queries.daily_usage(
        venue.id, day - timedelta(days=WINDOW_DAYS), day - timedelta(days=1)
    )
    rows: list[Json] = []
    for level in sorted(levels, key=lambda lv: lv.product.name.casefold()):
        p = level.product
        figures = await uow.queries.on_hand(venue.id, p.id)
        created = figures[0].created_at if figures else now
        start = business_day(created, venue.zone, venue.day_cutoff)
        days = days_to_stockout(level.after, usage.get(p.id, {}), day, start)
        rows.append(
            {
                "product": p.name,
                "on_hand": format_containers(level.after, p.container_size),
                "on_hand_quantity": format_quantity(level.after, venue.units),
                "reorder_at": _containers(p.reorder_at),
                "par": _containers(p.par),
                "suggested_order": suggested_order(level.after, p.container_size, p.par),
                "days_to_stockout": None if days is None else f"{to_decimal(days, 1):f}",
            }
        )
    return rows


async def _unmapped(
    uow: UnitOfWork,
    venue: Venue,
    settings: VenueSettings,
    unmapped: Sequence[Unmapped],
    now: datetime,
) -> None:
    keys = [(u.kind.value, u.provider, u.external_id) for u in unmapped]
    sightings = await uow.alerts.claim_sightings(venue.id, keys, now)
    if not sightings:
        return
    products = await uow.catalog.products(venue.id)
    servings = await uow.catalog.servings(venue.id, now)
    for s in sightings:
        guesses = guess_recipe(s.name, products, servings) if s.kind == "item" else ()
        payload: Json = {
            "channel": settings.alert_channel,
            "venue": venue.name,
            "venue_slug": venue.slug,
            "kind": s.kind,
            "provider": s.provider,
            "external_id": s.external_id,
            "name": s.name,
            "seen": s.seen,
            "guess": [{"product": g.product, "quantity": g.quantity} for g in guesses],
        }
        key = _key(venue.id, s.kind, s.provider, s.external_id)
        alert = NewAlert(venue.id, AlertKind.UNMAPPED, key, payload, now + UNMAPPED_BATCH)
        await uow.alerts.add(alert, now)


# --- for the Map button's modal -----------------------------------------------------------------


async def mapping_guesses(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, pos_item: str
) -> tuple[RecipeGuess, ...]:
    """The modal's pre-filled rows for mapping `pos_item`: closest products, venue servings."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        products = await uow.catalog.products(place.id)
        servings = await uow.catalog.servings(place.id, clock.now())
    return guess_recipe(pos_item, products, servings)


# --- the daily summary --------------------------------------------------------------------------


async def daily_summary(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, day: date | None = None
) -> DailySummary:
    """The figures of `day` (default: the last full business day), against a week before."""
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
    wanted = day or last_full_day(place, now)
    report = await sales(uow_factory, clock, place.id, Period("day", wanted, wanted))
    before = week_before(wanted)
    earlier = await sales(uow_factory, clock, place.id, Period("day", before, before))
    async with uow_factory() as uow:
        window = (day_start(place, wanted), day_start(place, wanted + timedelta(days=1)))
        quality = await uow.alerts.data_quality(place.id, window)
    return DailySummary(place, wanted, report, earlier, quality, now)
