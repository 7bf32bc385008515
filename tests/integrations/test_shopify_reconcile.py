"""Shopify reconciliation and tokens against FakeShopify and a real database: missed orders book
once over `Link` pages, the cursor advances, online orders stay out, a refund polled before its
sale books once the sale is in, a failing shop keeps its cursor, one process in many runs each
slot, and expiring tokens refresh and rotate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet

from app.processing import order_booker
from engine.connections import PosConnection
from integrations.errors import NotConnected
from integrations.polling import Reconciler
from integrations.shopify.client import ShopifyClient
from integrations.shopify.provider import ShopifyProvider
from integrations.shopify.reconcile import ShopifyPoller
from integrations.shopify.tokens import ShopifyTokens
from storage.connections import SqlConnections
from storage.database import Database, open_database
from storage.job_runs import SqlJobRuns
from tests.app.test_webhooks_shopify import shopify_bar
from tests.app.webhook_world import books
from tests.conftest import DbTarget
from tests.engine.usecases_world import World
from tests.integrations.fakes.shopify import CLIENT_ID, CLIENT_SECRET, FakeShopify
from tests.integrations.fakes.shopify_orders import (
    LOCATION_ID,
    SHOP,
    make_line,
    make_order,
    make_refund,
)

KEY = Fernet.generate_key()
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 21:00 in New York, after the mappings


@pytest.fixture
async def shopify() -> AsyncIterator[FakeShopify]:
    async with FakeShopify(page_size=2) as fake:
        yield fake


async def setup(
    database: Database, shopify: FakeShopify, *, refresh: str | None = None
) -> tuple[World, SqlConnections]:
    world = await shopify_bar(database)
    world.clock.at = NOW + timedelta(hours=1)  # the reports' "today" is the orders' day
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    connections = SqlConnections(database.engine, Fernet(KEY))
    expires = None if refresh is None else NOW + timedelta(minutes=3)
    connection = PosConnection(
        venue.id, "shopify", SHOP, (str(LOCATION_ID),), shopify.grant(), refresh, expires
    )
    await connections.save(connection, NOW)
    return world, connections


def sale(order_id: int, updated: datetime, **kwargs: Any) -> dict[str, Any]:
    line = make_line(order_id * 10, "Tito's Shot", "8.00")
    stamp = updated.isoformat()
    return make_order(order_id, [line], processed_at=stamp, updated_at=stamp, **kwargs)


def reconciler(
    database: Database,
    session: aiohttp.ClientSession,
    shopify: FakeShopify,
    now: Callable[[], datetime],
    *,
    claims: bool = False,
) -> Reconciler:
    connections = SqlConnections(database.engine, Fernet(KEY))
    client = ShopifyClient(session, shopify.base_url)
    tokens = ShopifyTokens(connections, client, CLIENT_ID, CLIENT_SECRET, now)
    provider = ShopifyProvider(client_secret=CLIENT_SECRET, client=client, tokens=tokens, now=now)
    runs = SqlJobRuns(database.engine) if claims else None
    book = order_booker(database, now)
    poller = ShopifyPoller(client, provider, tokens)
    return Reconciler(poller, connections, book, now, runs=runs)


async def test_missed_orders_book_once_and_the_cursor_advances(
    database: Database, shopify: FakeShopify
) -> None:
    world, connections = await setup(database, shopify)
    for n in range(1, 6):
        shopify.add_order(sale(n, NOW - timedelta(minutes=10 * n)))
    shopify.add_order(sale(6, NOW - timedelta(minutes=5), location_id=None))  # online
    shopify.add_order(sale(7, NOW - timedelta(minutes=6), financial_status="pending"))
    shopify.add_order(sale(8, NOW - timedelta(days=3)))  # before the first look
    clock = {"now": NOW}
    async with aiohttp.ClientSession() as session:
        job = reconciler(database, session, shopify, lambda: clock["now"])
        [first] = await job.run()
        assert (first.orders, first.booked, first.failed) == (7, 5, False)
        assert len(shopify.calls("/orders.json")) == 4  # pages of 2
        assert (await books(world)).receipts == 5
        stored = await connections.get("shopify", SHOP)
        assert stored is not None and stored.cursor == NOW.isoformat()

        # Later: one order updated inside the overlap (seen again, books nothing), one new.
        clock["now"] = NOW + timedelta(minutes=30)
        shopify.add_order(sale(1, NOW - timedelta(minutes=5)))
        shopify.add_order(sale(9, NOW + timedelta(minutes=20)))
        [second] = await job.run()
        # The 20-minute overlap sees orders 1 and 2 again (booking nothing), the online and
        # pending ones (skipped), and the new one.
        assert (second.orders, second.booked) == (5, 3)
        assert (await books(world)).receipts == 6
        await job.run()
        assert (await books(world)).receipts == 6


async def test_a_refund_polled_with_its_sale_books_once(
    database: Database, shopify: FakeShopify
) -> None:
    world, _ = await setup(database, shopify)
    refund = make_refund(71, 10, [(100, 1, "8.00")], processed_at=NOW.isoformat())
    shopify.add_order(sale(10, NOW - timedelta(minutes=1), refunds=[refund],
                           financial_status="refunded"))  # fmt: skip
    async with aiohttp.ClientSession() as session:
        job = reconciler(database, session, shopify, lambda: NOW)
        await job.run()
        await job.run()
    result = await books(world)
    assert (result.receipts, result.net_sales) == (1, 0)


async def test_a_rate_limit_is_waited_out_within_the_run(
    database: Database, shopify: FakeShopify
) -> None:
    world, _ = await setup(database, shopify)
    for n in range(1, 4):
        shopify.add_order(sale(n, NOW - timedelta(minutes=n)))
    shopify.rate_limit(2, retry_after=0.05)
    async with aiohttp.ClientSession() as session:
        [result] = await reconciler(database, session, shopify, lambda: NOW).run()
    assert (result.orders, result.failed) == (3, False)
    assert (await books(world)).receipts == 3


async def test_a_failing_shop_keeps_its_cursor(database: Database, shopify: FakeShopify) -> None:
    _, connections = await setup(database, shopify)
    shopify.outage(1)
    async with aiohttp.ClientSession() as session:
        [result] = await reconciler(database, session, shopify, lambda: NOW).run()
    assert result.failed
    stored = await connections.get("shopify", SHOP)
    assert stored is not None and stored.cursor is None


async def test_two_processes_make_one_run_per_slot(
    database: Database, db_target: DbTarget, shopify: FakeShopify
) -> None:
    await setup(database, shopify)
    other = await open_database(db_target.url)  # the second process: its own engine
    try:
        async with aiohttp.ClientSession() as session:
            first = reconciler(database, session, shopify, lambda: NOW, claims=True)
            second = reconciler(other, session, shopify, lambda: NOW, claims=True)
            a, b = await asyncio.gather(first.run(), second.run())
            assert sorted([len(a), len(b)]) == [0, 1]
            assert len(shopify.calls("/orders.json")) == 1
    finally:
        await other.close()


async def test_an_expiring_token_is_refreshed_once_and_rotated(
    database: Database, shopify: FakeShopify
) -> None:
    _, connections = await setup(database, shopify, refresh="shprt_first")
    shopify.refresh_tokens["shprt_first"] = SHOP
    async with aiohttp.ClientSession() as session:
        client = ShopifyClient(session, shopify.base_url)
        tokens = ShopifyTokens(connections, client, CLIENT_ID, CLIENT_SECRET, lambda: NOW)
        got = await asyncio.gather(*(tokens.access_token("shopify", SHOP) for _ in range(5)))
        assert len(set(got)) == 1 and shopify.access_tokens[got[0]] == SHOP
        assert len(shopify.calls("/admin/oauth/access_token")) == 1
        stored = await connections.get("shopify", SHOP)
        assert stored is not None and stored.access_token == got[0]
        assert stored.refresh_token in shopify.refresh_tokens  # the new one, not "shprt_first"
        assert stored.expires_at == NOW + timedelta(hours=1)


async def test_a_refresh_lost_to_another_process_uses_its_token(
    database: Database, shopify: FakeShopify
) -> None:
    _, connections = await setup(database, shopify, refresh="shprt_first")
    shopify.refresh_tokens["shprt_first"] = SHOP
    async with aiohttp.ClientSession() as session:
        client = ShopifyClient(session, shopify.base_url)

        def process() -> ShopifyTokens:  # each its own lock, as in another process
            return ShopifyTokens(connections, client, CLIENT_ID, CLIENT_SECRET, lambda: NOW)

        shopify.stall(1, 0.5)  # the first refresh is slow: the second one wins the race
        slow = asyncio.create_task(process().access_token("shopify", SHOP))
        while not shopify.calls("/admin/oauth/access_token"):
            await asyncio.sleep(0.01)
        fast = await process().access_token("shopify", SHOP)
        assert await slow == fast  # refused with the spent refresh token, it read the new one

        shopify.refresh_tokens.clear()  # revoked: nobody can refresh any more
        later = NOW + timedelta(hours=3)
        stale = ShopifyTokens(connections, client, CLIENT_ID, CLIENT_SECRET, lambda: later)
        with pytest.raises(NotConnected, match=r"refused \(400\)"):
            await stale.access_token("shopify", SHOP)
