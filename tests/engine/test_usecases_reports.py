"""The reading use cases over the real storage: sales, unmapped, mappings, history, settings.

Sales worked by hand: 10 Tito's shots at $8.00 = $80.00 net; COGS 10 x 133.08 c = 1,330.8 c
($13.31 shown); pour cost 1,330.8 / 8,000 = 16.635%; gross profit $66.69 (6,669.2 c).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from engine.errors import InvalidInput, NotFound
from engine.money import Money
from engine.records import VenueSettings
from engine.usecases import ingest, reports, settings
from engine.usecases.periods import Period, last_full_day, resolve_period, today
from storage.database import Database
from tests.engine.usecases_world import ACTOR, World, bar, line, make_world, receipt, usd


@pytest.fixture
async def world(database: Database) -> World:
    return await bar(await make_world(database))


async def test_a_days_sales_by_venue_local_hour(world: World) -> None:
    start = world.clock.now()  # 18:01 in New York
    for i in range(10):
        at = start + timedelta(minutes=40 * i)  # 18:01 .. 00:01, a business day to 04:00
        r = receipt(f"R{i}", at, line("L1", "sq-titos", "Tito's Shot", "1", 800))
        await ingest.ingest_receipt(world.db.unit_of_work, world.clock, world.venue, r)
    world.clock.advance(hours=8)  # 02:01: still the same business day
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)

    assert (sales.first, sales.last, sales.granularity) == (date(2026, 11, 21),) * 2 + ("hour",)
    assert (sales.net_sales.minor, sales.cogs.micro, sales.receipts, sales.lines) == (
        8000,
        1_330_800_000,
        10,
        10,
    )
    assert sales.pour_cost_pct == Fraction(16635, 1000)
    assert sales.gross_profit.to_money() == Money(6669, "USD")
    assert len(sales.buckets) == 24 and sales.buckets[0].start.hour == 4
    by_hour = {b.start.hour: b.net_sales.minor for b in sales.buckets if b.net_sales.minor}
    # 18:01 18:41 | 19:21 | 20:01 20:41 | 21:21 | 22:01 22:41 | 23:21 | 00:01
    assert by_hour == {18: 1600, 19: 800, 20: 1600, 21: 800, 22: 1600, 23: 800, 0: 800}
    (top,) = sales.items
    assert (top.pos_item.name, top.quantity, top.net_sales.minor) == ("Tito's Shot", 10_000, 8000)
    yesterday = await reports.sales(
        world.db.unit_of_work, world.clock, world.venue, Period("yesterday")
    )
    assert yesterday.net_sales.minor == 0 and yesterday.pour_cost_pct is None


def test_periods_in_business_days() -> None:
    current = date(2026, 11, 21)  # a Saturday
    assert resolve_period(Period("today"), current) == (current, current)
    assert resolve_period(Period("week"), current) == (date(2026, 11, 16), current)
    assert resolve_period(Period("month"), current) == (date(2026, 11, 1), current)
    assert resolve_period(Period("day", date(2026, 11, 2)), current) == (date(2026, 11, 2),) * 2
    with pytest.raises(InvalidInput):
        resolve_period(Period("range", current, current - timedelta(days=1)), current)
    with pytest.raises(InvalidInput):
        resolve_period(Period("fortnight"), current)


async def test_today_follows_the_cutoff(world: World) -> None:
    async with world.db.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    late = world.clock.now() + timedelta(hours=8)  # 02:01 Sunday local: still Saturday
    assert today(venue, late) == date(2026, 11, 21)
    assert last_full_day(venue, late) == date(2026, 11, 20)


async def test_mappings_products_and_history(world: World) -> None:
    mapped = await reports.mappings(world.db.unit_of_work, world.clock, world.venue)
    assert [m.pos_item.name for m in mapped.items] == ["Margarita", "Tito's Shot"]
    assert set(mapped.product_names.values()) == {"Tito's Vodka", "Milagro Blanco", "Cointreau"}
    with pytest.raises(NotFound):
        await reports.mappings(world.db.unit_of_work, world.clock, world.venue, "Mojito")
    history = await reports.history(world.db.unit_of_work, world.venue, 3)
    assert [e.action for e in history.entries] == ["map", "map", "serving.set"]
    with pytest.raises(InvalidInput):
        await reports.history(world.db.unit_of_work, world.venue, 0)


async def test_settings_are_kept_with_old_and_new_values(world: World) -> None:
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    assert await settings.get_settings(uow, v) == VenueSettings()
    channel = await settings.set_alert_channel(uow, clock, v, channel="#C0123ABC", actor=ACTOR)
    assert (channel.old, channel.new) == ({"alert_channel": None}, {"alert_channel": "C0123ABC"})
    await settings.set_low_alerts(uow, clock, v, on=False, actor=ACTOR)
    variance = await settings.set_variance_alert(
        uow, clock, v, pct=Decimal("12.5"), min_amount=usd("$5"), actor=ACTOR
    )
    assert variance.new == {"variance_alert_pct": "12.5%", "variance_alert_min": "$5.00"}
    await settings.schedule_summary(uow, clock, v, at=time(7, 0), channel="C0999", actor=ACTOR)
    assert await settings.get_settings(uow, v) == VenueSettings(
        alert_channel="C0123ABC",
        low_stock_alerts=False,
        variance_alert_pct=12_500,
        variance_alert_min=Money(500, "USD"),
        summary_time=time(7, 0),
        summary_channel="C0999",
    )
    off = await settings.summary_off(uow, clock, v, actor=ACTOR)
    assert (off.old, off.new) == ({"summary_time": "07:00"}, {"summary_time": None})
    with pytest.raises(InvalidInput):
        await settings.set_variance_alert(uow, clock, v, pct=Decimal("-1"), actor=ACTOR)
    with pytest.raises(InvalidInput):
        await settings.set_alert_channel(uow, clock, v, channel="#", actor=ACTOR)
    with pytest.raises(InvalidInput):
        await settings.set_low_alerts(uow, clock, v, on=True, actor=" ")
    history = await reports.history(uow, v, 1)
    assert history.entries[0].action == "summary.off"
