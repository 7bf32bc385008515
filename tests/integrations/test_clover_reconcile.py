"""Clover reconciliation against the fake Clover and a real database: missed orders book once over
several pages, a refund made later is found by its new `modifiedTime`, a failing merchant keeps its
cursor, and one process in many runs each slot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from app.processing import order_booker
from integrations.api_calls import PosApi
from integrations.clover.client import CloverClient
from integrations.clover.reconcile import CloverPoller
from integrations.clover.tokens import CloverTokens
from integrations.polling import Reconciler
from storage.connections import SqlConnections
from storage.database import Database
from storage.job_runs import SqlJobRuns
from tests.app.webhook_world import books
from tests.integrations.clover_world import TITOS, clover_bar, connect
from tests.integrations.fakes.clover import FakeClover
from tests.integrations.fakes.clover_orders import (
    APP_ID,
    MERCHANT_ID,
    PAID_AT,
    make_line,
    make_order,
    make_refund,
)

NOW = datetime(2026, 11, 22, 2, 30, tzinfo=UTC)  # half an hour after PAID_AT


@pytest.fixture
async def clover() -> AsyncIterator[FakeClover]:
    async with FakeClover(now=lambda: NOW) as fake:
        yield fake


def sale(order_id: str, minutes: int, **kw: object) -> dict[str, object]:
    """A paid order of one Tito's Shot, paid `minutes` after PAID_AT."""
    at = PAID_AT + minutes * 60_000
    lines = [make_line(f"L{order_id}"[:13], "Tito's Shot", 800, item_id=TITOS)]
    return make_order(order_id, lines=lines, paid_at=at, **kw)  # type: ignore[arg-type]


def reconciler(
    database: Database,
    connections: SqlConnections,
    session: aiohttp.ClientSession,
    clover: FakeClover,
    now: Callable[[], datetime],
    *,
    runs: SqlJobRuns | None = None,
) -> Reconciler:
    client = CloverClient(PosApi(session, clover.base_url, "clover"), clover.base_url)
    poller = CloverPoller(client, CloverTokens(connections, client, APP_ID, now), page=2)
    return Reconciler(poller, connections, order_booker(database, now), now, runs=runs)


async def test_missed_orders_book_once_and_late_refunds_are_found(
    database: Database, clover: FakeClover
) -> None:
    world = await clover_bar(database)
    world.clock.at = NOW + timedelta(hours=1)  # the reports' "today" is the orders' day
    connections = await connect(database, world, clover)
    for n in range(3):
        clover.add_order(sale(f"ORD{n}", n))
    clover.add_order(sale("ORDOPEN", 4, payment_state="OPEN"))
    clover.add_order(sale("ORDOLD", -3 * 24 * 60))  # before the first look back
    clock = {"now": NOW}
    async with aiohttp.ClientSession() as session:
        job = reconciler(database, connections, session, clover, lambda: clock["now"])
        [first] = await job.run()
        assert (first.orders, first.booked, first.failed) == (4, 3, False)  # 3 pages of 2
        assert len(clover.calls(f"/v3/merchants/{MERCHANT_ID}/orders")) == 2 + 1
        result = await books(world)
        assert (result.receipts, result.lines, result.net_sales) == (3, 3, 2400)
        stored = await connections.get("clover", MERCHANT_ID)
        assert stored is not None and stored.cursor == NOW.isoformat()

        # Later, ORD1 is refunded: its modifiedTime moves into the next window.
        refunded_at = int((NOW + timedelta(minutes=3)).timestamp() * 1000)
        refund = make_refund("REF1", "ORD1", 871, created=refunded_at, line_ids=["LORD1"], tax=71)
        clover.add_order(
            sale("ORD1", 1, payment_state="REFUNDED", refunds=[refund], modified=refunded_at)
        )
        clock["now"] = NOW + timedelta(minutes=5)
        [second] = await job.run()
        assert (second.orders, second.booked) == (1, 1)
        after = await books(world)
        assert (after.receipts, after.lines, after.net_sales) == (3, 3, 1600)

        await job.run()  # the same window again books nothing more
        assert await books(world) == after


async def test_a_failing_merchant_keeps_its_cursor(database: Database, clover: FakeClover) -> None:
    world = await clover_bar(database)
    connections = await connect(database, world, clover)
    clover.outage(5)
    async with aiohttp.ClientSession() as session:
        [result] = await reconciler(database, connections, session, clover, lambda: NOW).run()
    assert result.failed
    stored = await connections.get("clover", MERCHANT_ID)
    assert stored is not None and stored.cursor is None


async def test_one_process_in_many_runs_each_slot(database: Database, clover: FakeClover) -> None:
    world = await clover_bar(database)
    connections = await connect(database, world, clover)
    clover.add_order(sale("ORD1", 0))
    runs = SqlJobRuns(database.engine)
    async with aiohttp.ClientSession() as session:
        one = reconciler(database, connections, session, clover, lambda: NOW, runs=runs)
        other = reconciler(database, connections, session, clover, lambda: NOW, runs=runs)
        assert len(await one.run()) == 1
        assert await other.run() == []  # the slot is taken
    assert len(clover.calls(f"/v3/merchants/{MERCHANT_ID}/orders")) == 1


async def test_a_disconnected_merchant_is_not_polled(
    database: Database, clover: FakeClover
) -> None:
    """`disconnect clover` empties the tokens: polling on would fail every five minutes."""
    from engine.usecases import connections as connecting

    world = await clover_bar(database)
    connections = await connect(database, world, clover)
    clover.add_order(sale("ORD1", 1))
    await connecting.disconnect(
        database.unit_of_work, world.clock, world.venue, provider="clover", actor="sam"
    )
    async with aiohttp.ClientSession() as session:
        job = reconciler(database, connections, session, clover, lambda: NOW)
        assert await job.run() == []
    assert clover.calls(f"/v3/merchants/{MERCHANT_ID}/orders") == []
