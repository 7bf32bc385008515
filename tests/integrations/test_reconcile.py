"""Square reconciliation against FakeSquare and a real database: missed orders book once, a
return polled before its sale books once the sale is in, and one process in many runs each slot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from app.processing import order_booker
from app.worker import InboxWorker
from engine.connections import PosConnection
from engine.usecases import reports
from integrations.polling import Reconciler
from integrations.square.client import SquareClient
from integrations.square.reconcile import square_reconciler
from integrations.square.tokens import SquareTokens
from storage.connections import SqlConnections
from storage.database import Database, open_database
from storage.job_runs import SqlJobRuns
from storage.tables import job_runs
from tests.app.test_worker import FakeInbox
from tests.app.webhook_world import books
from tests.conftest import DbTarget
from tests.engine.usecases_world import World, bar, make_world
from tests.integrations.fakes.square import (
    LOCATION_ID,
    MERCHANT_ID,
    FakeSquare,
    make_line,
    make_order,
    money,
)

KEY = Fernet.generate_key()


def utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare() as fake:
        yield fake


def order(order_id: str, updated: datetime) -> dict[str, object]:
    lines = [make_line("u1", "Tito's Shot", 800, catalog_object_id="sq-titos")]
    return make_order(order_id, lines=lines, updated_at=utc(updated), closed_at=utc(updated))


async def setup(database: Database, square: FakeSquare) -> tuple[World, SqlConnections]:
    world = await bar(await make_world(database))
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    connections = SqlConnections(database.engine, Fernet(KEY))
    now = datetime.now(UTC)
    await connections.save(
        PosConnection(
            venue.id, "square", MERCHANT_ID, (LOCATION_ID,), square.grant(), "r",
            now + timedelta(days=29),
        ),
        now,
    )  # fmt: skip
    return world, connections


async def test_missed_orders_are_booked_once_and_the_cursor_advances(
    database: Database, square: FakeSquare
) -> None:
    world, connections = await setup(database, square)
    now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 21:00 in New York, after the mappings
    world.clock.at = now + timedelta(hours=1)  # the reports' "today" is the orders' day
    for n in range(3):
        square.add_order(order(f"O-{n}", now - timedelta(minutes=20 * (n + 1))))
    square.add_order(order("O-old", now - timedelta(days=3)))  # before the first look
    clock = {"now": now}

    async with aiohttp.ClientSession() as session:
        client = SquareClient(session, square.base_url)
        tokens = SquareTokens(connections, client, None, None, lambda: clock["now"])
        reconciler = square_reconciler(
            client, tokens, connections, order_booker(database, lambda: clock["now"]),
            lambda: clock["now"],
        )  # fmt: skip
        [first] = await reconciler.run()
        assert (first.orders, first.booked, first.failed) == (3, 3, False)
        result = await books(world)
        assert (result.receipts, result.lines) == (3, 3)
        stored = await connections.get("square", MERCHANT_ID)
        assert stored is not None and stored.cursor == now.isoformat()

        # Later: one order updated inside the overlap (seen again: books nothing), one new.
        clock["now"] = now + timedelta(minutes=30)
        square.add_order(order("O-late", now - timedelta(minutes=5)))
        square.add_order(order("O-new", now + timedelta(minutes=20)))
        [second] = await reconciler.run()
        assert (second.orders, second.failed) == (2, False)
        result = await books(world)
        assert (result.receipts, result.lines) == (5, 5)

        # Run again: the same window's orders book nothing more.
        await reconciler.run()
        assert (await books(world)).lines == 5


async def test_a_failing_merchant_keeps_its_cursor(database: Database, square: FakeSquare) -> None:
    _, connections = await setup(database, square)
    square.outage(5)
    async with aiohttp.ClientSession() as session:
        client = SquareClient(session, square.base_url)
        tokens = SquareTokens(connections, client, None, None, lambda: datetime.now(UTC))
        reconciler = square_reconciler(
            client, tokens, connections, order_booker(database, lambda: datetime.now(UTC)),
            lambda: datetime.now(UTC),
        )  # fmt: skip
        [result] = await reconciler.run()
    assert result.failed
    stored = await connections.get("square", MERCHANT_ID)
    assert stored is not None and stored.cursor is None


def reconciler(
    database: Database,
    session: aiohttp.ClientSession,
    square: FakeSquare,
    now: Callable[[], datetime],
    *,
    claims: bool = True,
) -> Reconciler:
    """One process's reconciler: its own database engine, client and claims."""
    connections = SqlConnections(database.engine, Fernet(KEY))
    client = SquareClient(session, square.base_url)
    tokens = SquareTokens(connections, client, None, None, now)
    runs = SqlJobRuns(database.engine) if claims else None
    return square_reconciler(
        client, tokens, connections, order_booker(database, now), now, runs=runs
    )


async def test_two_processes_ticking_together_make_one_run_per_slot(
    database: Database, db_target: DbTarget, square: FakeSquare
) -> None:
    await setup(database, square)
    now = datetime(2026, 11, 22, 2, 1, tzinfo=UTC)
    clock = {"now": now}
    square.add_order(order("O-1", now - timedelta(minutes=20)))
    other = await open_database(db_target.url)  # the second process: its own engine and pool
    try:
        async with aiohttp.ClientSession() as session:
            first = reconciler(database, session, square, lambda: clock["now"])
            second = reconciler(other, session, square, lambda: clock["now"])
            a, b = await asyncio.gather(first.run(), second.run())
            assert sorted([len(a), len(b)]) == [0, 1]  # one ran, the other found the slot taken
            assert len(square.calls("/v2/orders/search")) == 1

            # Later in the same slot: nobody runs again. The next slot: one of them runs.
            clock["now"] = now + timedelta(minutes=3)
            assert list(await asyncio.gather(first.run(), second.run())) == [[], []]
            clock["now"] = now + timedelta(minutes=5)
            a, b = await asyncio.gather(second.run(), first.run())
            assert sorted([len(a), len(b)]) == [0, 1]
            assert len(square.calls("/v2/orders/search")) == 2
    finally:
        await other.close()
    async with database.engine.connect() as db:
        rows = (await db.execute(select(job_runs.c.job, job_runs.c.finished_at))).all()
    assert sorted(job for job, _ in rows) == [
        "square-reconcile@02:00:00",
        "square-reconcile@02:05:00",
    ]
    assert all(finished is not None for _, finished in rows)


async def test_two_workers_started_together_reconcile_once(
    database: Database, db_target: DbTarget, square: FakeSquare
) -> None:
    """Two worker processes (each its own engine) start at once: their jobs tick together."""
    await setup(database, square)
    now = datetime.now(UTC)  # one instant for both: the test never straddles a slot's edge
    other = await open_database(db_target.url)
    workers: list[InboxWorker] = []
    try:
        async with aiohttp.ClientSession() as session:
            for db in (database, other):
                job = reconciler(db, session, square, lambda: now).run
                inbox: Any = FakeInbox()
                workers.append(InboxWorker(inbox, _noop, lambda: now, jobs=[job]))
            for worker in workers:
                worker.start()
            for _ in range(1500):  # up to 30 s on a busy machine; usually the first round
                if square.calls("/v2/orders/search"):
                    break
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)  # time for a second run, were there one
            for worker in workers:
                await asyncio.wait_for(worker.stop(), timeout=5)
    finally:
        await other.close()
    assert len(square.calls("/v2/orders/search")) == 1


async def _noop(*_: Any) -> None:
    return None


def worker_delay(now: datetime, every: float) -> float:
    inbox: Any = FakeInbox()
    return InboxWorker(inbox, _noop, lambda: now, jobs_every=every).until_next_tick()


def test_workers_tick_on_the_slot_edges() -> None:
    edge = datetime(2026, 11, 22, 2, 5, tzinfo=UTC)
    assert worker_delay(edge - timedelta(seconds=10), 300) == 11.0
    assert worker_delay(edge + timedelta(seconds=1), 300) == 300.0
    assert worker_delay(edge, 300) == 301.0


async def test_a_return_polled_before_its_sale_books_once_the_sale_is_in(
    database: Database, square: FakeSquare
) -> None:
    world, _ = await setup(database, square)
    now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    world.clock.at = now + timedelta(hours=1)
    returned = {
        "uid": "ret",
        "source_order_id": "O-sale",
        "return_line_items": [
            {
                "uid": "r1",
                "source_line_item_uid": "u1",
                "quantity": "1",
                "gross_return_money": money(800),
                "total_discount_money": money(0),
            }
        ],
    }
    at = utc(now - timedelta(minutes=30))
    square.add_order(make_order("O-return", returns=[returned], updated_at=at, closed_at=at))
    square.add_order(order("O-sale", now - timedelta(minutes=20)))  # updated after its return
    async with aiohttp.ClientSession() as session:
        [result] = await reconciler(database, session, square, lambda: now, claims=False).run()
        assert (result.orders, result.booked) == (2, 2)
        sales = await reports.sales(database.unit_of_work, world.clock, world.venue)
        assert (sales.lines, sales.refunds.minor, sales.net_sales.minor) == (1, 800, 0)
        await reconciler(database, session, square, lambda: now, claims=False).run()
    sales = await reports.sales(database.unit_of_work, world.clock, world.venue)
    assert (sales.lines, sales.refunds.minor, sales.net_sales.minor) == (1, 800, 0)
