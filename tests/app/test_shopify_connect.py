"""Connecting Shopify: the signed link, the shop form, Shopify's consent redirect, the
HMAC-checked callback, forged, replayed and mismatched callbacks, and the whole walk ending with a
sale booked, against FakeShopify on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient

from engine.connect_links import connect_link
from integrations.shopify.verify import sign_query
from storage.connections import SqlConnections
from storage.database import Database
from tests.app.test_webhooks_shopify import KEY, shopify_bar, shopify_env
from tests.app.webhook_world import Client, books, settled, webhook_app
from tests.integrations.fakes.shopify import CLIENT_SECRET, FakeShopify
from tests.integrations.fakes.shopify_orders import LOCATION_ID, SHOP, make_line, make_order

PUBLIC = "https://bar.example.com"


@pytest.fixture
async def shopify() -> AsyncIterator[FakeShopify]:
    async with FakeShopify() as fake:
        yield fake


@pytest.fixture
async def client(database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify) -> Client:
    await shopify_bar(database)
    return await aiohttp_client(webhook_app(database, env=shopify_env(shopify)))


def link(venue: str = "downtown", *, at: datetime | None = None, public: str = PUBLIC) -> str:
    """The path of the link `connect shopify` answers (what the manager opens)."""
    url = connect_link(public, "shopify", venue, KEY, at or datetime.now(UTC))
    return url.removeprefix(public)


async def consent(client: Client, shop: str = "example-bar") -> str:
    """Open the link, name the shop, follow the redirect to the fake's consent page, which
    approves at once: the callback path (and query) Shopify sends the manager back to."""
    form = await client.get(link())
    assert form.status == 200 and 'name="shop"' in await form.text()
    response = await client.get(f"{link()}&shop={shop}", allow_redirects=False)
    assert response.status == 302, await response.text()
    authorize = response.headers["Location"]
    async with (
        aiohttp.ClientSession() as session,
        session.get(authorize, allow_redirects=False) as approved,
    ):
        assert approved.status == 302
        back = approved.headers["Location"]
    assert back.startswith(f"{PUBLIC}/connect/shopify/callback?")
    return back.removeprefix(PUBLIC)


def resigned(callback: str, **changes: str) -> str:
    """The callback with some parameters changed and signed again, as Shopify would sign it."""
    params = {k: v for k, v in parse_qsl(urlsplit(callback).query) if k != "hmac"} | changes
    params["hmac"] = sign_query(CLIENT_SECRET, params.items())
    return f"/connect/shopify/callback?{urlencode(params)}"


async def test_connecting_binds_the_shop_its_locations_and_webhooks(
    client: Client, shopify: FakeShopify, database: Database
) -> None:
    callback = await consent(client)
    [asked] = shopify.calls("/admin/oauth/authorize")
    assert asked.shop == SHOP and asked.query["scope"] == "read_orders,read_locations"
    assert asked.query["redirect_uri"] == f"{PUBLIC}/connect/shopify/callback"
    response = await client.get(callback)
    text = await response.text()
    assert response.status == 200 and "Shopify connected" in text and "Main Bar" in text
    connection = await SqlConnections(database.engine, Fernet(KEY)).get("shopify", SHOP)
    assert connection is not None and connection.location_ids == (str(LOCATION_ID),)
    assert shopify.access_tokens[connection.access_token] == SHOP
    assert (connection.refresh_token, connection.expires_at) == (None, None)
    subscriptions = sorted((s["topic"], s["address"]) for s in shopify.store().subscriptions)
    address = f"{PUBLIC}/webhooks/shopify"
    assert subscriptions == [
        ("orders/paid", address),
        ("orders/updated", address),
        ("refunds/create", address),
    ]


async def test_expiring_tokens_are_kept_with_their_refresh_token(
    client: Client, shopify: FakeShopify, database: Database
) -> None:
    shopify.expiring = True
    assert (await client.get(await consent(client))).status == 200
    connection = await SqlConnections(database.engine, Fernet(KEY)).get("shopify", SHOP)
    assert connection is not None and connection.refresh_token in shopify.refresh_tokens
    assert connection.expires_at is not None
    assert connection.expires_at - datetime.now(UTC) > timedelta(minutes=55)


async def test_a_replayed_callback_is_refused(client: Client, shopify: FakeShopify) -> None:
    callback = await consent(client)
    assert (await client.get(callback)).status == 200
    again = await client.get(callback)
    assert again.status == 400 and "already used" in await again.text()
    assert len(shopify.calls("/admin/oauth/access_token")) == 1


async def test_callbacks_not_signed_by_shopify_or_for_another_shop_are_refused(
    client: Client, shopify: FakeShopify
) -> None:
    callback = await consent(client)
    forged = callback.replace("code=", "code=0")  # the hmac no longer fits
    response = await client.get(forged)
    assert response.status == 400 and "does not match" in await response.text()
    stale = resigned(callback, timestamp=str(int(datetime.now(UTC).timestamp()) - 7200))
    assert "stale" in await (await client.get(stale)).text()
    other = resigned(callback, shop="other-bar.myshopify.com")
    response = await client.get(other)
    assert response.status == 400 and "not example-bar.myshopify.com" in await response.text()
    evil = resigned(callback, shop="evil.example.com")
    assert "myshopify.com domain" in await (await client.get(evil)).text()
    assert shopify.calls("/admin/oauth/access_token") == []
    assert (await client.get(callback)).status == 200  # the genuine one still works


async def test_the_link_must_be_signed_and_the_shop_a_shop(client: Client) -> None:
    unsigned = await client.get("/connect/shopify?venue=downtown&shop=example-bar")
    assert unsigned.status == 403 and "not signed" in await unsigned.text()
    expired = await client.get(link(at=datetime.now(UTC) - timedelta(minutes=31)))
    assert expired.status == 403
    assert (await client.get(link("nowhere"))).status == 404
    bad = await client.get(f"{link()}&shop=evil.com%2Fx")
    assert bad.status == 400 and 'name="shop"' in await bad.text()


async def test_shopify_opening_the_app_url_is_told_how_to_connect(client: Client) -> None:
    params = {"shop": SHOP, "timestamp": str(int(datetime.now(UTC).timestamp()))}
    query = urlencode({**params, "hmac": sign_query(CLIENT_SECRET, params.items())})
    response = await client.get(f"/connect/shopify?{query}")
    assert response.status == 200 and "connect shopify" in await response.text()
    forged = await client.get(f"/connect/shopify?{query.replace('hmac=', 'hmac=0')}")
    assert forged.status == 400


async def test_the_readme_walk_ends_with_a_sale_booked(
    database: Database, aiohttp_client: AiohttpClient, shopify: FakeShopify
) -> None:
    """The README's steps on a served app: connect, approve, then the POS rings up a sale and
    Shopify delivers it to the address barback subscribed."""
    world = await shopify_bar(database)
    port = unused_port()
    public = f"http://127.0.0.1:{port}"
    env = {**shopify_env(shopify), "PUBLIC_URL": public}
    client = await aiohttp_client(webhook_app(database, env=env), server_kwargs={"port": port})
    response = await client.get(f"{link(public=public)}&shop=example-bar.myshopify.com")
    assert response.status == 200 and "Shopify connected" in await response.text()
    order = make_order(2001, [make_line(20010, "Tito's Shot", "8.00", quantity=2)])
    shopify.add_order(order)
    assert await shopify.push("orders/paid", order) == [200]
    await settled(database)
    assert (await books(world)).net_sales == 1600
