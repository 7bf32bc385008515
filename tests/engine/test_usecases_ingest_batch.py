"""`ingest_receipts_in`: a batch books exactly what one `ingest_receipt` per receipt would.

Two venues in one database live through the same catalog history (a recipe change and a cost
change between closes). One books a stream of receipts one call each; the other books the same
stream in batches, one unit of work per batch. Every table the booking writes must then hold the
same rows for both: lines, depletions, receipts, the three rollups and the unmapped tally.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine.errors import InvalidInput
from engine.receipt import Receipt, ReceiptState
from engine.usecases import catalog, ingest
from storage.database import Database
from storage.tables import (
    daily_item_sales,
    daily_product_usage,
    daily_receipts,
    depletions,
    pos_items,
    pos_modifiers,
    products,
    receipts,
    sale_lines,
    unmapped_tallies,
    venues,
)
from tests.engine.usecases_world import ACTOR, World, bar, ing, line, make_world, receipt, usd


@pytest.fixture
async def twins(database: Database) -> tuple[World, World]:
    one = await bar(await make_world(database, venue="single"))
    many = await bar(await make_world(database, venue="batched"))
    many.clock = one.clock  # one clock: both live the same instants
    return one, many


async def change_catalog(world: World) -> None:
    """A stronger Tito's Shot and a dearer Tito's, both from the clock's now."""
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await catalog.map_item(
        uow, clock, v, pos_item="Tito's Shot", items=[ing("2 shot", "tito")], actor=ACTOR
    )
    await catalog.set_product(
        uow, clock, v, product="tito", field="cost", value=usd("$30.00"), actor=ACTOR
    )


def stream(world: World) -> list[Receipt]:
    """Receipts closed around the catalog change at `changed`, with duplicates and versions."""
    at = world.clock.now()
    marg = line("L2", "sq-marg", "Margarita", "1.5", 1800, modifiers=(("m-salt", "Salt Rim"),))
    r1 = receipt("R1", at, line("L1", "sq-titos", "Tito's Shot", "2", 1600), marg)
    r2_v2 = receipt(
        "R2",
        at + timedelta(minutes=3),
        line("L1", "sq-titos", "Tito's Shot", "3", 2400),
        line("L2", "sq-new", "Espresso Martini", "1", 1400),
        version=2,
    )
    r2_v1 = receipt("R2", at + timedelta(minutes=3), line("L1", "sq-titos", "Tito's Shot"))
    later = receipt("R3", at + timedelta(minutes=20), line("L1", "sq-titos", "Tito's Shot"))
    before = receipt("R6", at + timedelta(minutes=5), line("L1", "sq-titos", "Tito's Shot"))
    open_tab = Receipt("square", "R4", 1, at, "USD", r1.lines, ReceiptState.OPEN)
    next_day = receipt("R5", at + timedelta(days=1), line("L1", "sq-marg", "Margarita"))
    early = receipt("R0", at - timedelta(minutes=1), line("L1", "sq-new", "Espresso Martini"))
    # R7's versions: v2 changes L1 and drops L2 (corrections), v3 brings L2 back
    r7 = [
        receipt("R7", at + timedelta(minutes=4), *lines, version=n)
        for n, lines in (
            (1, (line("L1", "sq-titos", "Tito's Shot", "1", 800), marg)),
            (2, (line("L1", "sq-titos", "Tito's Shot", "2", 1500),)),
            (3, (line("L1", "sq-titos", "Tito's Shot", "2", 1500), marg)),
        )
    ]
    return [
        *(r1, r2_v2, r1, r7[0], r7[1], r2_v1, later, before, r7[2], r7[0]),
        *(open_tab, next_day, early, r2_v2),
    ]


async def test_batches_book_what_one_call_each_books(twins: tuple[World, World]) -> None:
    one, many = twins
    receipts_ = stream(one)
    one.clock.advance(minutes=10)  # the change falls between R2 and R3's closes
    await change_catalog(one)
    await change_catalog(many)
    one.clock.advance(days=2)  # booked after every close, as a late webhook is

    singles = [
        await ingest.ingest_receipt(one.db.unit_of_work, one.clock, one.venue, r) for r in receipts_
    ]
    batched: list[ingest.IngestResult] = []
    for batch in (receipts_[:6], receipts_[6:]):
        async with many.db.unit_of_work() as uow:
            venue = await uow.venues.get(many.venue)
            batched += await ingest.ingest_receipts_in(uow, venue, batch, now=one.clock.now())
            await uow.commit()

    assert [outline(r) for r in batched] == [outline(r) for r in singles]
    assert [len(r.booked) for r in singles] == [2, 1, 0, 2, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0]
    assert [len(r.corrected) for r in singles] == [0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert await tables(one) == await tables(many)


async def test_a_refused_receipt_fails_the_batch_before_anything_is_written(
    twins: tuple[World, World],
) -> None:
    _, world = twins
    good = receipt("R1", world.clock.now(), line("L1", "sq-titos", "Tito's Shot"))
    euros = Receipt("square", "R2", 1, world.clock.now(), "EUR", good.lines)
    with pytest.raises(InvalidInput):
        async with world.db.unit_of_work() as uow:
            venue = await uow.venues.get(world.venue)
            await ingest.ingest_receipts_in(uow, venue, [good, euros], now=world.clock.now())
            await uow.commit()
    assert (await tables(world))["sale_lines"] == []


def outline(result: ingest.IngestResult) -> tuple[Any, ...]:
    """A result without row ids (mappings and products differ between the venues)."""
    return (
        result.receipt_id,
        result.state,
        [(b.source_key, b.quantity, b.net_amount, b.cogs) for b in result.booked],
        result.skipped,
        [(u.kind, u.external_id, u.source_key) for u in result.unmapped],
        [(c.source_key, c.quantity, c.net_amount, c.cogs, c.lines) for c in result.corrected],
    )


async def tables(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """What the booking wrote for the world's venue, by names and keys rather than row ids."""
    async with world.db.engine.connect() as connection:
        venue_id = await connection.scalar(select(venues.c.id).where(venues.c.slug == world.venue))

        async def rows(query: Any) -> list[tuple[Any, ...]]:
            return sorted(tuple(row) for row in await connection.execute(query))

        return {
            "sale_lines": await rows(
                select(
                    sale_lines.c.source_key,
                    pos_items.c.external_id,
                    sale_lines.c.quantity,
                    sale_lines.c.net_amount,
                    sale_lines.c.cogs,
                    sale_lines.c.closed_at,
                    sale_lines.c.business_day,
                    sale_lines.c.modifiers,
                )
                .join(pos_items, pos_items.c.id == sale_lines.c.pos_item_id)
                .where(sale_lines.c.venue_id == venue_id)
            ),
            "depletions": await rows(
                select(
                    sale_lines.c.source_key,
                    products.c.name,
                    depletions.c.quantity,
                    depletions.c.cogs,
                    depletions.c.closed_at,
                    depletions.c.business_day,
                )
                .join(sale_lines, sale_lines.c.id == depletions.c.sale_line_id)
                .join(products, products.c.id == depletions.c.product_id)
                .where(depletions.c.venue_id == venue_id)
            ),
            "receipts": await rows(
                select(
                    receipts.c.external_id,
                    receipts.c.version,
                    receipts.c.closed_at,
                    receipts.c.business_day,
                ).where(receipts.c.venue_id == venue_id)
            ),
            "daily_item_sales": await rows(
                select(
                    daily_item_sales.c.business_day,
                    pos_items.c.external_id,
                    daily_item_sales.c.quantity,
                    daily_item_sales.c.net_amount,
                    daily_item_sales.c.cogs,
                    daily_item_sales.c.lines,
                )
                .join(pos_items, pos_items.c.id == daily_item_sales.c.pos_item_id)
                .where(daily_item_sales.c.venue_id == venue_id)
            ),
            "daily_product_usage": await rows(
                select(
                    daily_product_usage.c.business_day,
                    products.c.name,
                    daily_product_usage.c.quantity,
                    daily_product_usage.c.cogs,
                )
                .join(products, products.c.id == daily_product_usage.c.product_id)
                .where(daily_product_usage.c.venue_id == venue_id)
            ),
            "daily_receipts": await rows(
                select(daily_receipts.c.business_day, daily_receipts.c.receipts).where(
                    daily_receipts.c.venue_id == venue_id
                )
            ),
            "unmapped": await rows(
                select(
                    unmapped_tallies.c.kind,
                    unmapped_tallies.c.external_id,
                    unmapped_tallies.c.seen,
                    unmapped_tallies.c.first_seen,
                    unmapped_tallies.c.last_seen,
                ).where(unmapped_tallies.c.venue_id == venue_id)
            ),
            "modifiers": await rows(
                select(pos_modifiers.c.external_id, pos_modifiers.c.last_seen).where(
                    pos_modifiers.c.venue_id == venue_id
                )
            ),
        }
