"""Issue 11 through the use cases and a real database (SQLite and PostgreSQL): the order of a
receipt's versions and refunds never decides its books, and a line's refunds never pass it.

Figures (usecases_world): a shot is 44,360 µl of Tito's and costs 133.08c (133,080,000
micro-cents); the Margarita pours 44,360 µl of Milagro and 22,180 µl of Cointreau.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.errors import InvalidInput
from engine.receipt import Receipt, Refund
from engine.usecases import ingest, reports
from engine.usecases import settings as venue_settings
from engine.usecases.periods import Period
from storage.database import Database
from storage.tables import daily_item_sales, daily_product_usage, refunds, sale_lines
from tests.engine.usecases_world import ACTOR, T0, World, bar, line, make_world, receipt, refund

SHOT = 44_360
_venues = itertools.count(1)


async def deliver(world: World, documents: list[Receipt | Refund]) -> None:
    """As the worker: each document once; a refund whose sale is not in yet waits, and is tried
    again after every later delivery."""
    waiting: list[Refund] = []
    for document in documents:
        if isinstance(document, Receipt):
            await ingest.ingest_receipt(world.db.unit_of_work, world.clock, world.venue, document)
        else:
            waiting.append(document)
        still = []
        for r in waiting:
            done = await ingest.ingest_refund(world.db.unit_of_work, world.clock, world.venue, r)
            if done.unrecorded:
                still.append(r)
        waiting = still


async def figures(world: World) -> tuple[Any, ...]:
    day = T0.date()
    sales = await reports.sales(
        world.db.unit_of_work, world.clock, world.venue, Period("range", day, day), top=50
    )
    stock = await reports.stock(world.db.unit_of_work, world.clock, world.venue)
    return (
        sales.net_sales,
        sales.refunds,
        sales.cogs,
        sales.receipts,
        sales.lines,
        sorted(  # an item a correction took back to nothing may keep a row of zeros
            (i.pos_item.external_id, i.quantity, i.net_sales, i.cogs)
            for i in sales.items
            if i.quantity or i.net_sales.minor or i.cogs.micro
        ),
        sorted((r.product.name, r.on_hand.milli) for r in stock.rows),
    )


async def fresh_world(database: Database, *, restock: bool = False) -> World:
    world = await bar(await make_world(database, venue=f"v{next(_venues)}"))
    if restock:
        await venue_settings.set_restock_refunds(
            world.db.unit_of_work, world.clock, world.venue, on=True, actor=ACTOR
        )
    world.clock.advance(minutes=30)  # every close below is before now, on one business day
    return world


VERSIONS = [
    receipt("V-1", T0, line("L1", "sq-titos", "Vodka Shot", "1", 800)),
    receipt(
        "V-1",
        T0,
        line("L1", "sq-titos", "Vodka Shot", "2", 1600),
        line("L2", "sq-marg", "Margarita", "1", 1200),
        version=2,
    ),
    receipt("V-1", T0, line("L2", "sq-marg", "Margarita", "2", 2400), version=3),
]
REFUNDS = [
    refund("F-1", "V-1", T0 + timedelta(minutes=5), ("L1", "1", 800)),
    refund("F-2", "V-1", T0 + timedelta(minutes=6), ("L2", "3", 5000)),
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), restock=st.booleans())
async def test_any_order_and_duplication_books_the_same(
    database: Database, data: st.DataObject, restock: bool
) -> None:
    documents: list[Receipt | Refund] = [*VERSIONS, *REFUNDS]
    expected = await fresh_world(database, restock=restock)
    await deliver(expected, documents)
    extra = data.draw(st.lists(st.sampled_from(documents), max_size=3), label="duplicates")
    order = data.draw(st.permutations([*documents, *extra]), label="order")
    world = await fresh_world(database, restock=restock)
    await deliver(world, order)
    assert await figures(world) == await figures(expected)


async def test_the_v1_v2_case_books_the_newest_in_either_order(database: Database) -> None:
    """Issue 11: v1 = 1 x Vodka Shot $8, v2 = 2 x $16. v1 then v2 booked 1 and $8, v2 then v1
    booked 2 and $16. Now both book 2 shots and $16."""
    books = []
    for order in ([VERSIONS[0], VERSIONS[1]], [VERSIONS[1], VERSIONS[0]]):
        world = await fresh_world(database)
        await deliver(world, list(order))
        books.append(await figures(world))
        assert books[-1][0].minor == 1600 + 1200
        assert ("Tito's Vodka", -2 * SHOT) in books[-1][-1]
    assert books[0] == books[1]


async def test_a_line_the_newest_version_drops_stays_dropped(database: Database) -> None:
    """v3 drops L1 (voided at the POS): v1 or v2 arriving after it book nothing of it; booked
    before it, L1 is taken off by a correction dated when v3 came."""
    for order in ([VERSIONS[2], VERSIONS[0], VERSIONS[1]], [*VERSIONS]):
        world = await fresh_world(database)
        await deliver(world, list(order))
        shown = await figures(world)
        assert (shown[0].minor, shown[4]) == (2400, 1), order
        assert ("Tito's Vodka", 0) in shown[-1]


async def test_refunds_never_pass_the_line_they_refund(database: Database) -> None:
    """Issue 11: a $32 line of 4 shots refunded 1 shot ($8), then 4 shots ($32): net sales went
    to -$8.00 and, restocking, 5 shots went back for 4 poured. Now the second refund books the
    3 shots and $24 left; the excess is refused and reported."""
    world = await fresh_world(database, restock=True)
    sold = receipt("R-32", T0, line("L1", "sq-titos", "Vodka Shot", "4", 3200))
    first = refund("F-1", "R-32", T0 + timedelta(minutes=1), ("L1", "1", 800))
    second = refund("F-2", "R-32", T0 + timedelta(minutes=2), ("L1", "4", 3200))
    await deliver(world, [sold, first])
    capped = await ingest.ingest_refund(world.db.unit_of_work, world.clock, world.venue, second)
    assert [(b.quantity, b.amount.minor) for b in capped.booked] == [(3000, 2400)]
    assert [(r.quantity, r.amount) for r in capped.refused] == [(1000, 800)]
    shown = await figures(world)
    assert (shown[0].minor, shown[1].minor) == (0, 3200)
    assert ("Tito's Vodka", 0) in shown[-1]  # 4 shots poured, 4 back: never 5
    again = await ingest.ingest_refund(world.db.unit_of_work, world.clock, world.venue, second)
    assert again.booked == () and again.refused == ()  # a re-delivery books nothing twice


async def test_a_correction_brings_the_refunds_within_the_line(database: Database) -> None:
    """A refund of 2 shots of a 2-shot line, then a version that sells 1: the refunds come back
    to 1 shot and $8 (dated when the version came); a version that sells 3 again lets the
    refund's 2 shots back."""
    world = await fresh_world(database)
    v1 = receipt("R-1", T0, line("L1", "sq-titos", "Vodka Shot", "2", 1600))
    v2 = receipt("R-1", T0, line("L1", "sq-titos", "Vodka Shot", "1", 800), version=2)
    v3 = receipt("R-1", T0, line("L1", "sq-titos", "Vodka Shot", "3", 2400), version=3)
    back = refund("F-1", "R-1", T0 + timedelta(minutes=1), ("L1", "2", 1600))
    await deliver(world, [v1, back, v2])
    shown = await figures(world)
    assert (shown[0].minor, shown[1].minor) == (800 - 800, 800)
    assert (await refund_sums(world)) == (1000, 800)
    await deliver(world, [v3])
    assert (await refund_sums(world)) == (2000, 1600)
    shown = await figures(world)
    assert (shown[0].minor, shown[1].minor) == (2400 - 1600, 1600)


async def refund_sums(world: World) -> tuple[int, int]:
    async with world.db.engine.connect() as connection:
        row = (
            await connection.execute(
                select(func.sum(refunds.c.quantity), func.sum(refunds.c.amount))
            )
        ).one()
    return int(row[0]), int(row[1])


async def test_a_day_past_its_rollup_bound_refuses_the_receipt_and_keeps_the_day(
    database: Database,
) -> None:
    """Issue 11: one line of $92,233,720,368,547,748.08 made every later sale of the day fail on
    "bigint out of range". A line is bounded now; a day that many lines would take past its
    bound refuses the receipt that would, with its reason, and the day stays as it was."""
    world = await fresh_world(database)
    await deliver(world, [receipt("R-1", T0, line("L1", "sq-titos", "x", "1", 800))])
    async with world.db.engine.begin() as connection:  # a day near its bound
        await connection.execute(daily_item_sales.update().values(net_amount=10**15 - 100))
    before = await figures(world)
    with pytest.raises(InvalidInput, match="past barback's limit for one day"):
        await deliver(world, [receipt("R-2", T0, line("L1", "sq-titos", "x", "1", 800))])
    assert await figures(world) == before
    async with world.db.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(sale_lines)) == 1
        usage = await connection.scalar(select(func.sum(daily_product_usage.c.quantity)))
    assert usage == SHOT
