"""`SquareProvider`: a signed delivery in, the engine's receipts out, fetching from the fake API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from engine.receipt import Receipt, Refund, RefundLine
from integrations.errors import (
    BadPayload,
    NotConnected,
    SignatureInvalid,
    UpstreamUnavailable,
)
from integrations.provider import Delivery, Provider, RawEvent, Skip
from integrations.square.client import SquareClient
from integrations.square.provider import SquareProvider
from tests.integrations.fakes.square import (
    FakeSquare,
    deliver,
    make_order,
    money,
    order_updated,
    payment_updated,
    refund_updated,
)

KEY = "sq-signature-key"
URL = "https://bar.example.com/webhooks/square"
SAMPLES = (
    Path(__file__).resolve().parent / "samples"
)  # copies of the Square examples in the team spec
SALE_ID = "Wk9tZbq3EwJ8vYcR4uQ1nXpLs2AZY"


class FakeTokens:
    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens
        self.asked: list[tuple[str, str]] = []

    async def access_token(self, provider: str, account: str) -> str:
        self.asked.append((provider, account))
        if account not in self.tokens:
            raise NotConnected(f"{provider} account {account} is not connected")
        return self.tokens[account]


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare(merchant_id="ML5X2Q8EXAMPLE") as fake:
        sample = json.loads((SAMPLES / "square_order_completed.json").read_text())["order"]
        fake.add_order(sample)
        yield fake


@pytest.fixture
async def tokens(square: FakeSquare) -> FakeTokens:
    return FakeTokens({square.merchant_id: square.grant()})


@pytest.fixture
async def provider(square: FakeSquare, tokens: FakeTokens) -> AsyncIterator[SquareProvider]:
    async with aiohttp.ClientSession() as session:
        yield SquareProvider(
            signature_key=KEY,
            notification_url=URL,
            client=SquareClient(session, square.base_url),
            tokens=tokens,
        )


def signed(event: dict[str, Any], **kwargs: Any) -> Delivery:
    delivery = deliver(event, signature_key=KEY, notification_url=URL, **kwargs)
    return Delivery(delivery.body, delivery.headers)


def test_it_is_a_provider(provider: SquareProvider) -> None:
    checked: Provider = provider
    assert checked.name == "square"


async def test_a_completed_payment_books_its_order(
    provider: SquareProvider, square: FakeSquare, tokens: FakeTokens
) -> None:
    delivery = signed(
        payment_updated(SALE_ID, merchant_id=square.merchant_id, event_id="evt-1"), retry_number=2
    )
    provider.verify(delivery)
    event = provider.envelope(delivery)
    assert event == RawEvent(
        provider="square",
        dedupe_key="evt-1",
        kind="payment.updated",
        account="ML5X2Q8EXAMPLE",
        location="LFAKE0LOCATION1",
        body=delivery.body,
        headers={
            "square-environment": "Production",
            "square-initial-delivery-timestamp": "2024-05-24T02:14:09.511Z",
            "square-retry-number": "2",
            "square-retry-reason": "http_timeout",
            "square-version": "2025-07-16",
        },
    )
    booked = await provider.receipts(event)
    assert not isinstance(booked, Skip)
    (receipt,) = booked
    assert isinstance(receipt, Receipt)
    assert (receipt.receipt_id, receipt.version, len(receipt.lines)) == (SALE_ID, 6, 3)
    assert tokens.asked == [("square", "ML5X2Q8EXAMPLE")]
    (call,) = square.calls("/v2/orders/batch-retrieve")
    assert call.body == {"order_ids": [SALE_ID]}
    assert call.headers["Authorization"] == f"Bearer {tokens.tokens['ML5X2Q8EXAMPLE']}"


async def test_the_fetched_state_decides_not_the_webhook(
    provider: SquareProvider, square: FakeSquare
) -> None:
    square.add_order(make_order("O-open", state="OPEN"))
    event = provider.envelope(signed(order_updated("O-open", merchant_id=square.merchant_id)))
    assert await provider.receipts(event) == Skip("order O-open is OPEN, not COMPLETED")


async def test_an_event_that_needs_no_order_fetches_nothing(
    provider: SquareProvider, square: FakeSquare
) -> None:
    event = provider.envelope(signed(payment_updated(SALE_ID, status="APPROVED")))
    result = await provider.receipts(event)
    assert isinstance(result, Skip) and "APPROVED" in result.reason
    assert square.requests == []


async def test_a_completed_refund_books_its_return_order(
    provider: SquareProvider, square: FakeSquare
) -> None:
    returned = {
        "uid": "ret",
        "source_order_id": SALE_ID,
        "return_line_items": [
            {
                "uid": "r1",
                "source_line_item_uid": "li-margarita-1",
                "quantity": "1",
                "gross_return_money": money(1400),
                "total_discount_money": money(0),
            }
        ],
    }
    square.add_order(make_order("RET-1", returns=[returned]))
    event = provider.envelope(signed(refund_updated("RET-1", merchant_id=square.merchant_id)))
    booked = await provider.receipts(event)
    assert not isinstance(booked, Skip)
    (refund,) = booked
    assert isinstance(refund, Refund)
    assert refund.refund_of == SALE_ID
    assert refund.lines == (RefundLine("li-margarita-1", 1000, 1400),)


async def test_an_order_square_does_not_return_yet_is_retried(
    provider: SquareProvider, square: FakeSquare
) -> None:
    event = provider.envelope(signed(payment_updated("O-late", merchant_id=square.merchant_id)))
    with pytest.raises(UpstreamUnavailable, match="no order O-late yet"):
        await provider.receipts(event)


async def test_an_outage_while_fetching_is_retryable(
    provider: SquareProvider, square: FakeSquare
) -> None:
    event = provider.envelope(signed(payment_updated(SALE_ID, merchant_id=square.merchant_id)))
    square.outage(1)
    with pytest.raises(UpstreamUnavailable):
        await provider.receipts(event)
    assert not isinstance(await provider.receipts(event), Skip)


async def test_a_merchant_without_a_token_is_not_connected(provider: SquareProvider) -> None:
    event = provider.envelope(signed(payment_updated(SALE_ID, merchant_id="M-UNKNOWN")))
    with pytest.raises(NotConnected, match="M-UNKNOWN"):
        await provider.receipts(event)


def test_a_forged_delivery_is_refused(provider: SquareProvider) -> None:
    good = signed(payment_updated(SALE_ID))
    with pytest.raises(SignatureInvalid):
        provider.verify(Delivery(good.body.replace(b"COMPLETED", b"FAILED"), good.headers))
    with pytest.raises(SignatureInvalid, match="missing"):
        provider.verify(Delivery(good.body, {"content-type": "application/json"}))


def test_header_names_are_matched_case_insensitively(provider: SquareProvider) -> None:
    good = signed(payment_updated(SALE_ID))
    shouted = {name.upper(): value for name, value in good.headers.items()}
    provider.verify(Delivery(good.body, shouted))
    kept = provider.envelope(Delivery(good.body, shouted)).headers
    assert kept["square-version"] == "2025-07-16"


def test_a_verified_body_that_is_not_an_envelope_is_bad_payload(provider: SquareProvider) -> None:
    with pytest.raises(BadPayload):
        provider.envelope(Delivery(b'{"hello": "world"}'))


def test_the_dedupe_key_is_the_event_id(provider: SquareProvider) -> None:
    first = signed(payment_updated(SALE_ID, event_id="same"), retry_number=1)
    again = signed(payment_updated(SALE_ID, event_id="same"), retry_number=2)
    assert provider.envelope(first).dedupe_key == provider.envelope(again).dedupe_key == "same"
