"""Counts, deliveries and waste, and what `stock`, `why` and `variance` make of them.

Worked by hand (Tito's Vodka, 750 ml at $22.50 = 0.003 c/µl, par 6, reorder 2):
- count 3 bottles = 2,250,000 µl; then 10 shots sold = 443,600 µl; 2 bottles received =
  1,500,000 µl; 1 oz spilled = 29,574 µl; counted again: 3200 ml = 3,200,000 µl.
- actual usage = 2,250,000 + 1,500,000 - 3,200,000 = 550,000 µl; expected = 443,600 + 29,574 =
  473,174 µl; variance = 76,826 µl (16.236...% of expected); cost = 76,826 x 0.003 = 230.478 c.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from engine.errors import InvalidInput, NotFound
from engine.usecases import catalog, ingest, ledger, reports
from engine.usecases.periods import Period
from storage.database import Database
from tests.engine.usecases_world import ACTOR, World, bar, line, make_world, q, receipt, usd


@pytest.fixture
async def world(database: Database) -> World:
    return await bar(await make_world(database))


async def sell_shots(world: World, n: int, rid: str) -> None:
    r = receipt(rid, world.clock.advance(minutes=1), line("L1", "sq-titos", "x", str(n), 800 * n))
    await ingest.ingest_receipt(world.db.unit_of_work, world.clock, world.venue, r)


async def ledger_story(world: World) -> None:
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await ledger.record_count(uow, clock, v, product="tito", amount=q("3"), actor=ACTOR)
    await sell_shots(world, 10, "R1")
    clock.advance(minutes=1)
    await ledger.record_receiving(
        uow, clock, v, product="tito", containers=Fraction(2), actor=ACTOR
    )
    clock.advance(minutes=1)
    await ledger.record_waste(
        uow, clock, v, product="tito", quantity=q("1 oz"), reason="broke", actor=ACTOR
    )
    clock.advance(minutes=1)
    await ledger.record_count(uow, clock, v, product="tito", amount=q("3200 ml"), actor=ACTOR)


async def test_count_receive_waste_answer_with_on_hand(world: World) -> None:
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    count = await ledger.record_count(uow, clock, v, product="tito", amount=q("3.4"), actor=ACTOR)
    assert (count.old, count.new) == (
        {"on_hand": "0.00 oz (0.0 ml)"},
        {"on_hand": "86.23 oz (2550.0 ml)"},  # 3.4 x 750 ml = 2,550,000 µl = 86.2257 oz
    )
    clock.advance(minutes=1)
    received = await ledger.record_receiving(
        uow, clock, v, product="tito", containers=Fraction(6), cost=usd("$21.00"), actor=ACTOR
    )
    assert received.new == {
        "on_hand": "238.39 oz (7050.0 ml)",
        "received": "6",
        "cost": "$21.00",
    }
    assert received.old is not None and received.old["cost"] == "$22.50"
    clock.advance(minutes=1)
    wasted = await ledger.record_waste(
        uow, clock, v, product="tito", quantity=q("1 shot"), actor=ACTOR
    )
    assert wasted.new is not None and wasted.new["wasted"] == "1.50 oz (44.4 ml)"
    stock = await reports.stock(uow, clock, v, "tito")
    assert stock.rows[0].on_hand.milli == 2_550_000 + 4_500_000 - 44_360
    (titos,) = [p for p in (await reports.products(uow, v)).products if p.name == "Tito's Vodka"]
    assert titos.cost_per_container.minor == 2100


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ("count gin 3", NotFound),
        ("count tito 1 each", InvalidInput),
        ("waste tito 0 ml", InvalidInput),
        ("waste tito 2 dram", InvalidInput),
        ("receive tito 0", InvalidInput),
        ("receive tito -1", InvalidInput),
    ],
)
async def test_ledger_refusals_change_nothing(
    world: World, call: str, error: type[Exception]
) -> None:
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    verb, product, amount = call.split(" ", 2)
    with pytest.raises(error):
        if verb == "count":
            await ledger.record_count(uow, clock, v, product=product, amount=q(amount), actor=ACTOR)
        elif verb == "waste":
            await ledger.record_waste(
                uow, clock, v, product=product, quantity=q(amount), actor=ACTOR
            )
        else:
            await ledger.record_receiving(
                uow, clock, v, product=product, containers=Fraction(amount), actor=ACTOR
            )
    why = await reports.why(uow, clock, v, "tito")
    assert (why.count, why.receivings, why.waste) == (None, (), ())


async def test_variance_between_the_last_two_counts(world: World) -> None:
    await ledger_story(world)
    report = await reports.variance(world.db.unit_of_work, world.clock, world.venue)
    (row,) = report.rows
    v = row.variance
    assert row.product.name == "Tito's Vodka"
    assert (v.actual.milli, v.expected.milli, v.variance.milli) == (550_000, 473_174, 76_826)
    assert (v.depleted.milli, v.waste.milli, v.received.milli) == (443_600, 29_574, 1_500_000)
    assert v.pct == Fraction(76_826 * 100, 473_174)
    assert v.cost.micro == 230_478_000
    assert [p.name for p in report.without_counts] == ["Cointreau", "Milagro Blanco"]

    one = await reports.variance(world.db.unit_of_work, world.clock, world.venue, "tito")
    assert [r.variance.variance.milli for r in one.rows] == [76_826]
    ranged = await reports.variance(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        None,
        Period("day", world.clock.now().date()),
    )
    assert [r.variance.variance.milli for r in ranged.rows] == [76_826]
    before = world.clock.now().date() - timedelta(days=3)
    empty = await reports.variance(
        world.db.unit_of_work, world.clock, world.venue, None, Period("range", before, before)
    )
    assert empty.rows == () and len(empty.without_counts) == 3


async def test_stock_and_why_after_the_story(world: World) -> None:
    await ledger_story(world)
    await sell_shots(world, 1, "R2")  # after the count: 3,200,000 - 44,360 = 3,155,640 µl
    stock = await reports.stock(world.db.unit_of_work, world.clock, world.venue, "tito")
    (row,) = stock.rows
    assert row.on_hand.milli == 3_155_640
    assert row.on_hand_containers == Fraction(3_155_640, 750_000)
    assert (row.low, row.suggested_order) == (False, 2)  # 6 - 4.207 = 1.79 -> 2
    why = await reports.why(world.db.unit_of_work, world.clock, world.venue, "tito")
    assert why.count is not None and why.count.quantity.milli == 3_200_000
    assert [s.source_key for s in why.sales] == ["square:R2:L1"]
    assert (why.on_hand.milli, why.depleted.milli, why.omitted) == (3_155_640, 44_360, 0)


async def test_days_to_stockout_from_trailing_usage(database: Database) -> None:
    world = await make_world(database)
    world.clock.advance(days=-10)  # products exist from business day 11 November
    await bar(world)
    first = world.clock.now()
    world.clock.advance(days=10)  # booked once closed: a close more than a day ahead is refused
    for day in range(10):  # one shot a day, 11..20 November
        r = receipt(f"R{day}", first + timedelta(days=day), line("L1", "sq-titos", "x"))
        await ingest.ingest_receipt(world.db.unit_of_work, world.clock, world.venue, r)
    await ledger.record_count(
        world.db.unit_of_work, world.clock, world.venue, product="tito", amount=q("1"), actor=ACTOR
    )
    stock = await reports.stock(world.db.unit_of_work, world.clock, world.venue)
    by_name = {r.product.name: r for r in stock.rows}
    titos = by_name["Tito's Vodka"]
    # 10 complete days, 443,600 µl: 44,360 a day; 750,000 / 44,360 = 16.9 days
    assert titos.days_to_stockout == Fraction(750_000, 44_360)
    assert (titos.low, titos.suggested_order) == (True, 5)  # 1 <= reorder 2; 6 - 1 = 5
    assert by_name["Cointreau"].days_to_stockout is None  # never used
    sales = await reports.sales(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        Period(
            "range", stock.business_day - timedelta(days=10), stock.business_day - timedelta(days=1)
        ),
    )
    assert [b.net_sales.minor for b in sales.buckets] == [800] * 10
    assert sales.granularity == "day" and sales.receipts == 10


async def test_a_delivery_cost_prices_sales_from_then_on(world: World) -> None:
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await ledger.record_receiving(
        uow, clock, v, product="tito", containers=Fraction(1), cost=usd("30"), actor=ACTOR
    )
    await sell_shots(world, 1, "R1")
    sales = await reports.sales(uow, clock, v)
    assert sales.cogs.micro == 177_440_000  # 44,360 µl x 3000/750,000 c
    with pytest.raises(InvalidInput):
        await catalog.set_product(
            uow, clock, v, product="tito", field="par", value="six", actor=ACTOR
        )
