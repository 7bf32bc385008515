"""`ShopifyProvider` over FakeShopify: what a delivery is stored as, and what it books (an order
as delivered, a refund with its fetched order), without a database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from engine.receipt import Receipt, Refund
from integrations.errors import NotConnected, SignatureInvalid, UpstreamUnavailable
from integrations.provider import Delivery, Skip
from integrations.shopify.client import ShopifyClient
from integrations.shopify.provider import ShopifyProvider
from integrations.shopify.verify import HEADER
from tests.integrations.fakes.shopify import CLIENT_SECRET, FakeShopify
from tests.integrations.fakes.shopify_orders import (
    SHOP,
    deliver,
    make_line,
    make_order,
    make_refund,
)


class Tokens:
    """A `TokenSource` holding one shop's token (the database's job, out of this test)."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def access_token(self, provider: str, account: str) -> str:
        if (provider, account) != ("shopify", SHOP):
            raise NotConnected(f"{account} is not connected")
        return self.token


@pytest.fixture
async def shopify() -> AsyncIterator[FakeShopify]:
    async with FakeShopify() as fake:
        yield fake


@pytest.fixture
async def provider(shopify: FakeShopify) -> AsyncIterator[ShopifyProvider]:
    async with aiohttp.ClientSession() as session:
        client = ShopifyClient(session, shopify.base_url)
        yield ShopifyProvider(
            client_secret=CLIENT_SECRET,
            client=client,
            tokens=Tokens(shopify.grant()),
            now=lambda: datetime.now(UTC),
        )


def delivered(
    topic: str,
    body: object,
    *,
    webhook_id: str | None = None,
    triggered_at: datetime | None = None,
) -> Delivery:
    raw = json.dumps(body).encode()
    signed = deliver(
        topic, raw, secret=CLIENT_SECRET, webhook_id=webhook_id, triggered_at=triggered_at
    )
    return Delivery(signed.body, signed.headers)


async def test_a_delivery_is_stored_with_its_keys_and_no_signature(
    provider: ShopifyProvider,
) -> None:
    order = make_order(1001, [make_line(1, "Shot", "8.00")])
    delivery = delivered("orders/paid", order, webhook_id="wh-1")
    provider.verify(delivery)
    event = provider.envelope(delivery)
    assert (event.provider, event.dedupe_key, event.kind) == ("shopify", "wh-1", "orders/paid")
    assert (event.account, event.location) == (SHOP, "48752903")
    assert event.body == delivery.body
    assert HEADER not in event.headers and "X-Shopify-Triggered-At" in event.headers
    booked = await provider.receipts(event)
    assert not isinstance(booked, Skip)
    [receipt] = booked
    assert isinstance(receipt, Receipt) and receipt.receipt_id == "1001"


async def test_verify_refuses_a_stale_delivery(provider: ShopifyProvider) -> None:
    old = datetime.now(UTC) - timedelta(days=2)
    with pytest.raises(SignatureInvalid, match="stale"):
        provider.verify(delivered("orders/paid", {"id": 1}, triggered_at=old))


async def test_a_refund_books_with_its_fetched_order(
    provider: ShopifyProvider, shopify: FakeShopify
) -> None:
    refund = make_refund(71, 1002, [(20, 1, "8.00")])
    shopify.add_order(make_order(1002, [make_line(20, "Shot", "8.00", quantity=2)]))
    event = provider.envelope(delivered("refunds/create", refund))
    booked = await provider.receipts(event)
    assert not isinstance(booked, Skip)
    assert [type(d) for d in booked] == [Receipt, Refund]
    assert isinstance(booked[1], Refund) and booked[1].refund_of == "1002"
    assert len(shopify.calls("/orders/1002.json")) == 1
    shopify.outage(1)
    with pytest.raises(UpstreamUnavailable):
        await provider.receipts(event)


async def test_other_topics_book_nothing(provider: ShopifyProvider) -> None:
    event = provider.envelope(delivered("customers/redact", {"shop_domain": SHOP}))
    result = await provider.receipts(event)
    assert isinstance(result, Skip) and "do not change inventory" in result.reason
