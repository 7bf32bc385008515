"""`POST /webhooks/shopify` and the worker against FakeShopify, on both databases: paid orders
book once however often they come, refunds fetch their order, and every refusal stores nothing."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient

from app.webhooks import retry_key
from engine.connections import PosConnection
from engine.inbox import RetryPolicy
from engine.usecases import catalog
from storage.connections import SqlConnections
from storage.database import Database
from storage.inbox import SqlInbox
from tests.app.webhook_world import Books, Client, books, settled, stored, webhook_app
from tests.engine.usecases_world import ACTOR, World, ing, make_world, q, seen, usd
from tests.integrations.fakes.shopify import CLIENT_ID, CLIENT_SECRET, FakeShopify
from tests.integrations.fakes.shopify_orders import (
    LOCATION_ID,
    SHOP,
    deliver,
    make_line,
    make_order,
    make_refund,
    variant_of,
)

KEY = Fernet.generate_key().decode()


def shopify_env(shopify: FakeShopify) -> dict[str, str]:
    return {
        "BARBACK_SECRET_KEY": KEY,
        "SHOPIFY_CLIENT_ID": CLIENT_ID,
        "SHOPIFY_CLIENT_SECRET": CLIENT_SECRET,
        "SHOPIFY_BASE_URL": shopify.base_url,
        "PUBLIC_URL": "https://bar.example.com",
    }


@pytest.fixture
async def shopify() -> AsyncIterator[FakeShopify]:
    async with FakeShopify() as fake:
        yield fake


async def shopify_bar(database: Database) -> World:
    """Tito's (750 ml, $22.50), a 1.5 oz shot, and the shop's `Tito's Shot` (seen, as it would be
    after its first sale) mapped to one shot."""
    world = await make_world(database)
    uow, clock = database.unit_of_work, world.clock
    await catalog.add_product(
        uow, clock, world.venue, name="Tito's Vodka", container=q("750 ml"), cost=usd("$22.50"),
        actor=ACTOR,
    )  # fmt: skip
    await catalog.set_serving(uow, clock, world.venue, name="shot", quantity=q("1.5 oz"),
                              actor=ACTOR)  # fmt: skip
    await seen(world, str(variant_of("Tito's Shot")), "Tito's Shot", provider="shopify")
    await catalog.map_item(
        uow, clock, world.venue, pos_item="Tito's Shot", items=[ing("1 shot", "tito")],
        actor=ACTOR,
    )  # fmt: skip
    clock.advance(minutes=1)
    return world


async def connected_bar(database: Database, shopify: FakeShopify) -> World:
    """The Shopify bar with the shop and its location bound."""
    world = await shopify_bar(database)
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    now = datetime.now(UTC)
    connection = PosConnection(
        venue.id, "shopify", SHOP, (str(LOCATION_ID),), shopify.grant(), None, None
    )
    await SqlConnections(database.engine, Fernet(KEY)).save(connection, now)
    return world


def app_for(database: Database, shopify: FakeShopify) -> web.Application:
    app = webhook_app(database, env=shopify_env(shopify))
    app[retry_key] = RetryPolicy(first_delay=timedelta(milliseconds=50), max_attempts=5)
    return app


async def send(
    client: Client,
    topic: str,
    resource: dict[str, Any] | bytes,
    *,
    secret: str = CLIENT_SECRET,
    shop: str = SHOP,
    webhook_id: str | None = None,
    triggered_at: datetime | None = None,
) -> int:
    signed = deliver(
        topic, resource, secret=secret, shop=shop, webhook_id=webhook_id, triggered_at=triggered_at
    )
    # A large body goes as a stream, as aiohttp asks (raw bytes would block its loop).
    data = io.BytesIO(signed.body) if len(signed.body) > 1024 * 1024 else signed.body
    response = await client.post("/webhooks/shopify", data=data, headers=signed.headers)
    return response.status


def sale(order_id: int, *, quantity: int = 2, **kwargs: Any) -> dict[str, Any]:
    line = make_line(order_id * 10, "Tito's Shot", "8.00", quantity=quantity)
    return make_order(order_id, [line], **kwargs)


def figures(result: Books) -> tuple[int, int, int]:
    return result.receipts, result.lines, result.net_sales


async def test_a_paid_order_books_once_however_often_it_comes(
    database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify
) -> None:
    world = await connected_bar(database, shopify)
    client = await aiohttp_client(app_for(database, shopify))
    order = sale(1001)
    assert await send(client, "orders/paid", order, webhook_id="wh-1") == 200
    assert await send(client, "orders/paid", order, webhook_id="wh-1") == 200  # a retry
    later = {**order, "updated_at": "2026-11-21T21:05:00-05:00", "fulfillment_status": "x"}
    assert await send(client, "orders/updated", later, webhook_id="wh-2") == 200
    await settled(database)
    assert await stored(database, state="done") == 2
    result = await books(world)
    assert figures(result) == (1, 1, 1600)
    # Two shots of 44,360 µl each, and no count yet: on hand starts at 0.
    assert result.on_hand == (("Tito's Vodka", -88_720),)
    assert shopify.calls("/orders/1001.json") == []  # the webhook carried the order


async def test_an_order_not_paid_yet_books_when_it_is(
    database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify
) -> None:
    world = await connected_bar(database, shopify)
    client = await aiohttp_client(app_for(database, shopify))
    pending = sale(1002, financial_status="pending")
    assert await send(client, "orders/updated", pending) == 200
    await settled(database)
    [event] = await SqlInbox(database.engine).list()
    assert event.state.value == "skipped" and "pending, not paid" in (event.last_error or "")
    assert await send(client, "orders/paid", sale(1002)) == 200
    await settled(database)
    assert figures(await books(world)) == (1, 1, 1600)


async def test_online_orders_and_unbound_locations_book_nothing(
    database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify
) -> None:
    world = await connected_bar(database, shopify)
    client = await aiohttp_client(app_for(database, shopify))
    assert await send(client, "orders/paid", sale(1003, location_id=None)) == 200
    assert await send(client, "orders/paid", sale(1004, location_id=999)) == 200
    await settled(database)
    reasons = sorted(e.last_error or "" for e in await SqlInbox(database.engine).list())
    assert "order 1003 has no POS location: an online order (web)" in reasons[0]
    assert "rung up at location 999, which is not bound" in reasons[1]
    assert figures(await books(world)) == (0, 0, 0)


async def test_a_refund_fetches_its_order_through_an_outage_and_books_once(
    database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify
) -> None:
    world = await connected_bar(database, shopify)
    refund = make_refund(71, 1005, [(10050, 1, "8.00")])
    shopify.add_order(sale(1005, financial_status="partially_refunded", refunds=[refund]))
    shopify.outage(2)  # the worker's first reconciliation run may take one of them
    client = await aiohttp_client(app_for(database, shopify))
    # The sale's own webhook was lost: the refund's fetch of the order books the sale first.
    assert await send(client, "refunds/create", refund) == 200
    await settled(database, timeout=20)
    [event] = await SqlInbox(database.engine).list()
    assert event.state.value == "done"
    assert len(shopify.calls("/orders/1005.json")) >= 1
    result = await books(world)
    assert (result.receipts, result.lines) == (1, 1)
    assert result.net_sales == 800  # 16.00 sold, 8.00 refunded
    assert await send(client, "orders/updated", sale(1005, refunds=[refund])) == 200
    await settled(database)
    assert (await books(world)).net_sales == 800


async def test_an_unknown_shop_is_stored_and_skipped_with_the_reason(
    database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify
) -> None:
    await connected_bar(database, shopify)
    client = await aiohttp_client(app_for(database, shopify))
    assert await send(client, "orders/paid", sale(1006), shop="stranger.myshopify.com") == 200
    await settled(database)
    [event] = await SqlInbox(database.engine).list()
    assert event.venue_id is None and event.state.value == "skipped"
    assert "stranger.myshopify.com is not connected" in (event.last_error or "")


async def test_topics_that_change_no_stock_are_skipped(
    database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify
) -> None:
    world = await connected_bar(database, shopify)
    client = await aiohttp_client(app_for(database, shopify))
    assert await send(client, "app/uninstalled", {"id": 1, "domain": SHOP}) == 200
    assert await send(client, "orders/delete", {"id": 1008}) == 200
    await settled(database)
    reasons = sorted(e.last_error or "" for e in await SqlInbox(database.engine).list())
    assert "app/uninstalled events do not change inventory" in reasons[0]
    assert "order 1008 is unknown, not paid" in reasons[1]
    assert figures(await books(world)) == (0, 0, 0)


async def test_refused_deliveries_store_nothing(
    database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify
) -> None:
    await connected_bar(database, shopify)
    client = await aiohttp_client(app_for(database, shopify))
    order = sale(1007)
    assert await send(client, "orders/paid", order, secret="not-the-secret") == 401
    old = datetime.now(UTC) - timedelta(days=2)
    assert await send(client, "orders/paid", order, triggered_at=old) == 401
    assert await send(client, "orders/paid", b"{not json") == 400
    assert await send(client, "orders/paid", {"id": "1007"}) == 400
    assert await send(client, "orders/paid", order, shop="evil.example.com") == 400
    huge = b'{"id": 1, "pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert await send(client, "orders/paid", huge) == 413
    assert await stored(database) == 0


async def test_shopify_unconfigured_is_404(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(webhook_app(database))
    response = await client.post("/webhooks/shopify", data=b"{}")
    assert response.status == 404
    assert (await client.get("/connect/shopify?venue=downtown")).status == 404
