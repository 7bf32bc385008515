"""`ShopifyClient` against FakeShopify over real HTTP: tokens, locations, orders and their
`Link` pages, webhook subscriptions, and every way Shopify says no (429 waited out, 5xx, 401,
404, timeouts)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from integrations.errors import NotConnected, UpstreamRejected, UpstreamUnavailable
from integrations.shopify.client import ShopifyClient
from tests.integrations.fakes.shopify import CLIENT_ID, CLIENT_SECRET, FakeShopify
from tests.integrations.fakes.shopify_orders import SHOP, make_line, make_order

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


class Sleeps:
    """The client's injected sleep: records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def shopify() -> AsyncIterator[FakeShopify]:
    async with FakeShopify() as fake:
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


class Observed:
    """The client's `ApiObserver`: what `/metrics` would count."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.fetches: list[tuple[str, int]] = []

    def api_error(self, provider: str, kind: str) -> None:
        self.errors.append((provider, kind))

    def fetched(self, provider: str, orders: int) -> None:
        self.fetches.append((provider, orders))


def client_for(
    session: aiohttp.ClientSession,
    shopify: FakeShopify,
    sleeps: Sleeps | None = None,
    observed: Observed | None = None,
) -> ShopifyClient:
    return ShopifyClient(
        session, shopify.base_url, timeout=2.0, sleep=sleeps or Sleeps(), observer=observed
    )


def at(minutes: int) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


async def test_a_code_becomes_an_offline_token(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    client = client_for(session, shopify)
    token = await client.exchange_code(SHOP, CLIENT_ID, CLIENT_SECRET, shopify.issue_code(), NOW)
    assert shopify.access_tokens[token.access_token] == SHOP
    assert (token.refresh_token, token.expires_at) == (None, None)
    assert token.scope == "read_orders,read_locations"
    [call] = shopify.calls("/admin/oauth/access_token")
    assert call.shop == SHOP and call.body is not None and call.body["expiring"] == 1
    assert token.access_token not in repr(token)


async def test_expiring_tokens_refresh_and_rotate(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    shopify.expiring = True
    client = client_for(session, shopify)
    token = await client.exchange_code(SHOP, CLIENT_ID, CLIENT_SECRET, shopify.issue_code(), NOW)
    assert token.expires_at == NOW + timedelta(hours=1) and token.refresh_token
    fresh = await client.refresh_token(SHOP, CLIENT_ID, CLIENT_SECRET, token.refresh_token, NOW)
    assert fresh.refresh_token not in (None, token.refresh_token)
    with pytest.raises(NotConnected, match=r"refused \(400\)"):  # the old one is spent
        await client.refresh_token(SHOP, CLIENT_ID, CLIENT_SECRET, token.refresh_token, NOW)


async def test_a_refused_code_or_wrong_secret_is_not_connected(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    client = client_for(session, shopify)
    with pytest.raises(NotConnected, match=r"access_token refused \(400\)") as refused:
        await client.exchange_code(SHOP, CLIENT_ID, CLIENT_SECRET, "never-issued", NOW)
    assert "never-issued" not in str(refused.value)
    with pytest.raises(NotConnected, match=r"refused \(400\)") as refused:
        await client.exchange_code(SHOP, CLIENT_ID, "wrong-secret", shopify.issue_code(), NOW)
    assert "wrong-secret" not in str(refused.value)


async def test_locations_and_one_order(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    client = client_for(session, shopify)
    token = shopify.grant()
    shopify.store().locations.append({"id": 7, "name": "Closed Patio", "active": False})
    locations = await client.locations(SHOP, token)
    assert [(loc.id, loc.name, loc.active) for loc in locations] == [
        ("48752903", "Main Bar", True),
        ("7", "Closed Patio", False),
    ]
    shopify.add_order(make_order(1001, [make_line(1, "Shot", "8.00")]))
    order = await client.order(SHOP, token, "1001")
    assert order["id"] == 1001
    [call] = shopify.calls("/orders/1001.json")
    assert call.path == "/admin/api/2026-10/orders/1001.json"
    assert call.headers["X-Shopify-Access-Token"] == token
    with pytest.raises(UpstreamRejected) as missing:
        await client.order(SHOP, token, "999")
    assert missing.value.status == 404


async def test_orders_come_page_by_page_within_the_window(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    shopify.page_size = 2
    client = client_for(session, shopify)
    token = shopify.grant()
    for n in range(1, 7):
        shopify.add_order(make_order(n, [make_line(n, "Shot", "8.00")], updated_at=at(n)))
    seen: list[int] = []
    page_info: str | None = None
    pages = 0
    while True:
        page = await client.orders_page(SHOP, token, NOW + timedelta(minutes=2),
                                        NOW + timedelta(minutes=6), page_info)  # fmt: skip
        pages += 1
        seen += [int(str(order["id"])) for order in page.orders]
        page_info = page.next_page
        if page_info is None:
            break
    assert (seen, pages) == ([2, 3, 4, 5, 6], 3)
    first, *later = shopify.calls("/orders.json")
    assert first.query["status"] == "any" and first.query["limit"] == "250"
    assert first.query["updated_at_min"] == "2026-11-22T03:02:00Z"
    assert all(set(call.query) == {"limit", "page_info"} for call in later)


async def test_a_429_is_waited_out_as_retry_after_says(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    sleeps = Sleeps()
    metrics = Observed()
    client = client_for(session, shopify, sleeps, observed=metrics)
    token = shopify.grant()
    shopify.rate_limit(2, retry_after=2.0)  # Shopify's REST bucket refills in 2 s
    assert len(await client.locations(SHOP, token)) == 1
    assert sleeps.waits == [2.0, 2.0]
    assert metrics.errors == [("shopify", "rate_limited")] * 2


async def test_a_429_that_lasts_is_unavailable_with_the_delay(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    sleeps = Sleeps()
    client = client_for(session, shopify, sleeps)
    token = shopify.grant()
    shopify.rate_limit(4, retry_after=3)
    with pytest.raises(UpstreamUnavailable, match="rate limited") as limited:
        await client.locations(SHOP, token)
    assert (limited.value.retry_after, sleeps.waits) == (3.0, [3.0, 3.0])
    shopify.recover()
    shopify.rate_limit(1, retry_after=60)  # longer than barback waits in a request
    with pytest.raises(UpstreamUnavailable) as long:
        await client.locations(SHOP, token)
    assert long.value.retry_after == 60.0 and len(sleeps.waits) == 2
    shopify.rate_limit(1, retry_after=None)  # no delay said: not guessed
    with pytest.raises(UpstreamUnavailable):
        await client.locations(SHOP, token)
    assert len(sleeps.waits) == 2


async def test_outages_timeouts_and_revoked_tokens(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    client = client_for(session, shopify)
    token = shopify.grant()
    shopify.outage(1)
    with pytest.raises(UpstreamUnavailable, match="answered 503"):
        await client.locations(SHOP, token)
    shopify.stall(1, 3.0)
    with pytest.raises(UpstreamUnavailable, match="TimeoutError"):
        await ShopifyClient(session, shopify.base_url, timeout=0.2).locations(SHOP, token)
    with pytest.raises(NotConnected, match="401") as revoked:
        await client.locations(SHOP, "shpat_revoked")
    assert "shpat_revoked" not in str(revoked.value)
    async with aiohttp.ClientSession() as other:
        down = ShopifyClient(other, "http://127.0.0.1:9/{shop}", timeout=1.0)
        with pytest.raises(UpstreamUnavailable, match="ClientConnectorError"):
            await down.locations(SHOP, token)


async def test_a_subscription_is_made_once(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    client = client_for(session, shopify)
    token = shopify.grant()
    address = "https://bar.example.com/webhooks/shopify"
    await client.subscribe(SHOP, token, "orders/paid", address)
    with pytest.raises(UpstreamRejected) as taken:  # Shopify: "address ... already been taken"
        await client.subscribe(SHOP, token, "orders/paid", address)
    assert taken.value.status == 422
    subscriptions = await client.subscriptions(SHOP, token)
    assert [(s.topic, s.address) for s in subscriptions] == [("orders/paid", address)]


async def test_orders_read_are_counted_for_metrics(
    session: aiohttp.ClientSession, shopify: FakeShopify
) -> None:
    metrics = Observed()
    client = client_for(session, shopify, observed=metrics)
    token = shopify.grant()
    for n in (1, 2, 3):
        shopify.add_order(make_order(n, [make_line(n, "Shot", "8.00")], updated_at=at(n)))
    await client.order(SHOP, token, "1")
    await client.orders_page(SHOP, token, NOW, NOW + timedelta(hours=1))
    assert metrics.fetches == [("shopify", 1), ("shopify", 3)]
    shopify.outage(1)
    with pytest.raises(UpstreamUnavailable):
        await client.order(SHOP, token, "1")
    with pytest.raises(NotConnected):
        await client.order(SHOP, "shpat_revoked", "1")
    assert metrics.errors == [("shopify", "unavailable"), ("shopify", "not_connected")]
