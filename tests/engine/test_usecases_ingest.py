"""Booking receipts and refunds through the real storage (SQLite and PostgreSQL).

Figures (see usecases_world): a Tito's shot is 44,360 µl at 0.003 c/µl = 133.08 c of COGS; a
Margarita is 44,360 µl Milagro (177.44 c) + 22,180 µl Cointreau (106.464 c) = 283.904 c.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import InvalidInput
from engine.receipt import Receipt, ReceiptState
from engine.usecases import catalog, importing, ingest, ledger, reports, settings
from storage.database import Database
from storage.tables import daily_item_sales, daily_receipts, depletions, sale_lines
from tests.engine.usecases_world import (
    ACTOR,
    World,
    bar,
    ing,
    line,
    make_world,
    q,
    receipt,
    refund,
    usd,
)

SHOT_COGS = 133_080_000
MARGARITA_COGS = 177_440_000 + 106_464_000


@pytest.fixture
async def world(database: Database) -> World:
    return await bar(await make_world(database))


async def book(world: World, r: Receipt) -> ingest.IngestResult:
    return await ingest.ingest_receipt(world.db.unit_of_work, world.clock, world.venue, r)


async def on_hand(world: World, product: str) -> int:
    report = await reports.stock(world.db.unit_of_work, world.clock, world.venue, product)
    return report.rows[0].on_hand.milli


async def count_rows(world: World, table: object) -> int:
    async with world.db.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


async def test_a_receipt_books_lines_depletions_and_cost(world: World) -> None:
    at = world.clock.now()
    r = receipt(
        "R1",
        at,
        line("L1", "sq-titos", "Tito's Shot", "2", 1600),
        line("L2", "sq-marg", "Margarita", "1", 1200),
    )
    result = await book(world, r)

    assert [b.source_key for b in result.booked] == ["square:R1:L1", "square:R1:L2"]
    # 2 shots = 88,720 µl of Tito's, costing 2 x 133.08 c
    assert result.booked[0].cogs.micro == 2 * SHOT_COGS
    assert result.booked[1].cogs.micro == MARGARITA_COGS
    assert result.net_sales is not None and result.net_sales.minor == 2800
    assert await on_hand(world, "tito") == -88_720  # no count yet: from zero, shown negative
    assert await on_hand(world, "cointreau") == -22_180


async def test_the_same_receipt_twice_books_once(world: World) -> None:
    r = receipt("R1", world.clock.now(), line("L1", "sq-titos", "Tito's Shot", "1", 800))
    first = await book(world, r)
    again = await book(world, r)

    assert len(first.booked) == 1
    assert again.booked == () and again.skipped == ("square:R1:L1",)
    assert await on_hand(world, "tito") == -44_360
    assert await count_rows(world, sale_lines) == 1
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    assert (sales.net_sales.minor, sales.receipts, sales.lines) == (800, 1, 1)


async def test_concurrent_deliveries_book_once(world: World) -> None:
    r = receipt(
        "R1",
        world.clock.now(),
        line("L1", "sq-titos", "Tito's Shot", "1", 800),
        line("L2", "sq-marg", "Margarita", "1", 1200),
        line("L3", "sq-new", "Espresso Martini", "1", 1400),
    )
    results = await asyncio.gather(*(book(world, r) for _ in range(4)))

    assert sum(len(res.booked) for res in results) == 2
    assert sum(len(res.unmapped) for res in results) == 1
    assert await count_rows(world, sale_lines) == 2
    assert await count_rows(world, depletions) == 3
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    assert (sales.net_sales.minor, sales.receipts, sales.cogs.micro) == (
        2000,
        1,
        SHOT_COGS + MARGARITA_COGS,
    )
    unmapped = await reports.unmapped(world.db.unit_of_work, world.venue)
    assert [(s.name, s.seen) for s in unmapped.items] == [("Espresso Martini", 1)]


async def test_a_newer_version_decides_the_lines_and_an_older_undoes_nothing(
    world: World,
) -> None:
    """Decision 18: v2 triples L1 (booked by v1) and adds L2. L2 books at the close; L1's two
    more shots and $16 book as a correction row dated when v2 came. v1 again changes nothing."""
    at = world.clock.now()
    v1 = receipt("R1", at, line("L1", "sq-titos", "Tito's Shot", "1", 800))
    v2 = receipt(
        "R1",
        at,
        line("L1", "sq-titos", "Tito's Shot", "3", 2400),
        line("L2", "sq-marg", "Margarita", "1", 1200),
        version=2,
    )
    await book(world, v1)
    world.clock.advance(minutes=30)
    newer = await book(world, v2)
    older = await book(world, v1)

    assert [b.source_key for b in newer.booked] == ["square:R1:L2"]
    assert [(c.source_key, c.quantity, c.net_amount.minor, c.at) for c in newer.corrected] == [
        ("square:R1:L1@v2", 2000, 1600, world.clock.now())
    ]
    assert older.booked == () and older.corrected == ()
    assert await on_hand(world, "tito") == -3 * 44_360
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    assert (sales.net_sales.minor, sales.receipts, sales.lines) == (3600, 1, 2)
    assert (await count_rows(world, sale_lines), await count_rows(world, depletions)) == (3, 4)


async def test_unpaid_receipts_book_nothing(world: World) -> None:
    r = receipt("R1", world.clock.now(), line("L1", "sq-titos", "Tito's Shot"))
    for state in (ReceiptState.OPEN, ReceiptState.VOIDED, ReceiptState.CANCELLED):
        result = await book(
            world, Receipt(r.provider, r.receipt_id, 1, r.closed_at, "USD", r.lines, state)
        )
        assert result.booked == () and result.state is state
    assert await count_rows(world, sale_lines) == 0


async def test_a_receipt_in_another_currency_is_refused_and_writes_nothing(world: World) -> None:
    r = Receipt("square", "R1", 1, world.clock.now(), "EUR", (line("L1", "sq-titos", "x"),))
    with pytest.raises(InvalidInput, match="EUR"):
        await book(world, r)
    assert await count_rows(world, sale_lines) == 0


async def test_unmapped_items_are_tallied_once_per_line_and_never_back_filled(
    world: World,
) -> None:
    at = world.clock.now()
    r = receipt(
        "R1",
        at,
        line("L1", "sq-em", "Espresso Martini", "1", 1400, (("m-oat", "Oat Milk"),)),
        line("L2", "sq-em", "Espresso Martini", "2", 2800),
    )
    await book(world, r)
    await book(world, r)
    report = await reports.unmapped(world.db.unit_of_work, world.venue)
    assert [(s.external_id, s.seen) for s in report.items] == [("sq-em", 2)]
    assert [(s.name, s.seen) for s in report.modifiers] == [("Oat Milk", 1)]

    world.clock.advance(minutes=5)
    await catalog.map_item(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        pos_item="espresso",
        items=[ing("1 shot", "tito")],
        actor=ACTOR,
    )
    await book(world, r)  # re-delivered after mapping: closed before it, stays unmapped

    assert (await reports.unmapped(world.db.unit_of_work, world.venue)).items == ()
    assert await count_rows(world, sale_lines) == 0
    later = receipt("R2", world.clock.advance(minutes=1), line("L1", "sq-em", "Espresso Martini"))
    assert len((await book(world, later)).booked) == 1


async def test_a_mapping_change_after_a_receipt_does_not_alter_it(world: World) -> None:
    r = receipt("R1", world.clock.now(), line("L1", "sq-titos", "Tito's Shot", "1", 800))
    await book(world, r)
    world.clock.advance(minutes=5)
    await catalog.map_item(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        pos_item="Tito's Shot",
        items=[ing("2 shot", "tito")],
        actor=ACTOR,
    )
    await book(world, r)  # re-delivered: still the recipe of its close, and booked once
    late = receipt("R0", world.clock.now() - timedelta(minutes=3), line("L1", "sq-titos", "x"))
    await book(world, late)  # arrives late, closed before the change: the old recipe

    assert await on_hand(world, "tito") == -2 * 44_360
    r2 = receipt("R2", world.clock.advance(minutes=1), line("L1", "sq-titos", "Tito's Shot"))
    assert (await book(world, r2)).booked[0].movements[0].quantity.milli == 88_720


async def test_a_cost_change_does_not_rewrite_recorded_cogs(world: World) -> None:
    await book(world, receipt("R1", world.clock.now(), line("L1", "sq-titos", "x", "1", 800)))
    world.clock.advance(minutes=5)
    await catalog.set_product(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        product="tito",
        field="cost",
        value=usd("$30.00"),
        actor=ACTOR,
    )
    late = receipt("R0", world.clock.now() - timedelta(minutes=2), line("L1", "sq-titos", "x"))
    await book(world, late)  # closed before the change: costed at $22.50
    await book(world, receipt("R2", world.clock.advance(minutes=1), line("L1", "sq-titos", "x")))

    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    # 2 x 133.08 c at $22.50, then 44,360 µl x 3000/750,000 = 177.44 c at $30.00
    assert sales.cogs.micro == 2 * SHOT_COGS + 177_440_000


async def test_a_receipt_closed_before_a_count_does_not_move_on_hand(world: World) -> None:
    await ledger.record_count(
        world.db.unit_of_work, world.clock, world.venue, product="tito", amount=q("2"), actor=ACTOR
    )
    before = world.clock.now() - timedelta(minutes=1)
    await book(world, receipt("R0", before, line("L1", "sq-titos", "x", "1", 800)))
    assert await on_hand(world, "tito") == 1_500_000
    await book(world, receipt("R1", world.clock.advance(minutes=1), line("L1", "sq-titos", "x")))
    assert await on_hand(world, "tito") == 1_500_000 - 44_360
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    assert sales.lines == 2  # both are sales, whatever the count saw


async def test_a_refund_reverses_the_amount_and_keeps_the_pour(world: World) -> None:
    at = world.clock.now()
    await book(world, receipt("R1", at, line("L1", "sq-titos", "x", "2", 1600)))
    r = refund("F1", "R1", world.clock.advance(minutes=10), ("L1", "1", 800))
    result = await ingest.ingest_refund(world.db.unit_of_work, world.clock, world.venue, r)
    again = await ingest.ingest_refund(world.db.unit_of_work, world.clock, world.venue, r)

    assert [b.source_key for b in result.booked] == ["square:refund:F1:L1"]
    assert again.booked == () and again.skipped == ("square:refund:F1:L1",)
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    assert (sales.net_sales.minor, sales.refunds.minor, sales.cogs.micro) == (
        800,
        800,
        2 * SHOT_COGS,
    )
    assert sales.items[0].quantity == 1000  # 2 sold, 1 refunded
    assert await on_hand(world, "tito") == -88_720  # poured: not restocked


async def test_restock_refunds_return_the_share_and_its_cogs(world: World) -> None:
    await settings.set_restock_refunds(
        world.db.unit_of_work, world.clock, world.venue, on=True, actor=ACTOR
    )
    await book(world, receipt("R1", world.clock.now(), line("L1", "sq-titos", "x", "2", 1600)))
    r = refund("F1", "R1", world.clock.advance(minutes=10), ("L1", "1", 800))
    await ingest.ingest_refund(world.db.unit_of_work, world.clock, world.venue, r)

    assert await on_hand(world, "tito") == -44_360
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    assert (sales.net_sales.minor, sales.cogs.micro) == (800, SHOT_COGS)
    hours = [b for b in sales.buckets if b.net_sales.minor]
    assert sum(b.net_sales.minor for b in hours) == 800
    assert sum(b.cogs.micro for b in sales.buckets) == SHOT_COGS
    why = await reports.why(world.db.unit_of_work, world.clock, world.venue, "tito")
    assert [(s.refund, s.quantity.milli) for s in why.sales] == [(True, -44_360), (False, 88_720)]


async def test_refunds_of_unknown_sales_and_of_too_much(world: World) -> None:
    await book(world, receipt("R1", world.clock.now(), line("L1", "sq-titos", "x", "1", 800)))
    unknown = refund("F1", "R9", world.clock.now(), ("L1", "1", 800))
    result = await ingest.ingest_refund(world.db.unit_of_work, world.clock, world.venue, unknown)
    assert result.booked == () and result.unmatched == ("square:refund:F1:L1",)

    too_much = refund("F2", "R1", world.clock.now(), ("L1", "1", 900))
    capped = await ingest.ingest_refund(world.db.unit_of_work, world.clock, world.venue, too_much)
    assert [(b.quantity, b.amount.minor) for b in capped.booked] == [(1000, 800)]
    assert [(r.quantity, r.amount) for r in capped.refused] == [(0, 100)]
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    assert sales.refunds.minor == 800


async def test_ingest_many_books_the_sound_and_lists_the_refused(world: World) -> None:
    at = world.clock.now()
    documents = [
        receipt(f"R{i}", at + timedelta(seconds=i), line("L1", "sq-titos", "x", "1", 800))
        for i in range(5)
    ]
    documents.insert(2, Receipt("square", "BAD", 1, at, "EUR", (line("L1", "sq-titos", "x"),)))
    documents.append(refund("F1", "R0", at + timedelta(minutes=1), ("L1", "1", 800)))  # type: ignore[arg-type]
    summary = await importing.ingest_many(
        world.db.unit_of_work, world.clock, world.venue, documents, batch_size=3
    )
    assert (summary.receipts, summary.refunds, summary.booked_lines) == (5, 1, 6)
    assert [(f.receipt_id, f.code) for f in summary.failed] == [("BAD", "invalid_input")]

    again = await importing.ingest_many(world.db.unit_of_work, world.clock, world.venue, documents)
    assert (again.booked_lines, again.skipped_lines) == (0, 6)


async def test_the_rollups_agree_with_the_lines(world: World) -> None:
    at = world.clock.now()
    world.clock.advance(days=2)  # booked after every close
    for i in range(6):
        items = [line("L1", "sq-titos", "x", "1", 800), line("L2", "sq-marg", "m", "1.5", 1800)]
        await book(world, receipt(f"R{i}", at + timedelta(hours=i * 5), *items[: 1 + i % 2]))
    async with world.db.engine.connect() as connection:
        lines = (
            await connection.execute(
                select(func.sum(sale_lines.c.net_amount), func.sum(sale_lines.c.cogs), func.count())
            )
        ).one()
        rolled = (
            await connection.execute(
                select(
                    func.sum(daily_item_sales.c.net_amount),
                    func.sum(daily_item_sales.c.cogs),
                    func.sum(daily_item_sales.c.lines),
                )
            )
        ).one()
        receipts = await connection.scalar(select(func.sum(daily_receipts.c.receipts)))
    assert tuple(int(v) for v in lines) == tuple(int(v) for v in rolled)
    assert receipts == 6
