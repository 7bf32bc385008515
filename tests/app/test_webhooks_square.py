"""`POST /webhooks/square` and the worker against FakeSquare, on both databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient

from app.webhooks import retry_key
from engine.connections import PosConnection
from engine.inbox import RetryPolicy, StoredEvent
from storage.connections import SqlConnections
from storage.database import Database
from storage.inbox import SqlInbox
from tests.app.webhook_world import Client, books, settled, stored, webhook_app
from tests.engine.usecases_world import World, bar, make_world
from tests.integrations.fakes.square import (
    LOCATION_ID,
    MERCHANT_ID,
    FakeSquare,
    deliver,
    make_line,
    make_order,
    money,
    order_updated,
    payment_updated,
    refund_updated,
)

KEY = Fernet.generate_key().decode()
SIGNATURE_KEY = "sq-signature-key"
NOTIFICATION_URL = "https://bar.example.com/webhooks/square"
CLOSED = "2026-11-22T02:00:00Z"  # after the world's mappings (forward only)


async def webhooks(inbox: SqlInbox) -> list[StoredEvent]:
    """The stored events Square sent (not the daily menu request the worker stores itself)."""
    return [e for e in await inbox.list() if not e.dedupe_key.startswith("barback-menu:")]


def square_env(square: FakeSquare) -> dict[str, str]:
    return {
        "BARBACK_SECRET_KEY": KEY,
        "SQUARE_APPLICATION_ID": square.client_id,
        "SQUARE_APPLICATION_SECRET": square.client_secret,
        "SQUARE_WEBHOOK_SIGNATURE_KEY": SIGNATURE_KEY,
        "SQUARE_WEBHOOK_URL": NOTIFICATION_URL,
        "SQUARE_BASE_URL": square.base_url,
    }


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare() as fake:
        yield fake


async def connected_bar(database: Database, square: FakeSquare) -> World:
    world = await bar(await make_world(database))
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    now = datetime.now(UTC)
    await SqlConnections(database.engine, Fernet(KEY)).save(
        PosConnection(
            venue.id, "square", MERCHANT_ID, (LOCATION_ID,), square.grant(), "refresh-1",
            now + timedelta(days=29),
        ),
        now,
    )  # fmt: skip
    return world


def app_for(database: Database, square: FakeSquare) -> web.Application:
    app = webhook_app(database, env=square_env(square))
    app[retry_key] = RetryPolicy(first_delay=timedelta(milliseconds=50), max_attempts=5)
    return app


async def send(client: Client, event: dict[str, Any], *, key: str = SIGNATURE_KEY) -> int:
    signed = deliver(event, signature_key=key, notification_url=NOTIFICATION_URL)
    response = await client.post("/webhooks/square", data=signed.body, headers=signed.headers)
    return response.status


def sale(order_id: str) -> dict[str, Any]:
    lines = [make_line("u1", "Tito's Shot", 800, catalog_object_id="sq-titos")]
    return make_order(order_id, lines=lines, closed_at=CLOSED, updated_at=CLOSED)


def a_return(return_id: str, sale_id: str) -> dict[str, Any]:
    returned = {
        "uid": "ret",
        "source_order_id": sale_id,
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
    return make_order(return_id, returns=[returned], closed_at=CLOSED, updated_at=CLOSED)


async def test_a_return_before_its_sale_waits_then_books_once(
    database: Database, aiohttp_client: AiohttpClient, square: FakeSquare
) -> None:
    world = await connected_bar(database, square)
    square.add_order(sale("O-7"))
    square.add_order(a_return("RET-7", "O-7"))
    client = await aiohttp_client(app_for(database, square))
    assert await send(client, refund_updated("RET-7")) == 200
    inbox = SqlInbox(database.engine)
    for _ in range(1200):
        [event] = await webhooks(inbox)
        if event.attempts:
            break
        await asyncio.sleep(0.05)
    assert event.state.value == "pending" and "sale not recorded yet" in (event.last_error or "")

    assert await send(client, payment_updated("O-7")) == 200
    await settled(database)
    assert {e.state.value for e in await webhooks(inbox)} == {"done"}
    result = await books(world)
    assert (result.receipts, result.lines, result.net_sales) == (1, 1, 0)


@pytest.mark.parametrize("kind", ["payment", "order"])
async def test_both_event_kinds_fetch_the_order_and_book_it_once(
    database: Database, aiohttp_client: AiohttpClient, square: FakeSquare, kind: str
) -> None:
    world = await connected_bar(database, square)
    square.add_order(sale("O-1"))
    client = await aiohttp_client(app_for(database, square))
    event = payment_updated("O-1") if kind == "payment" else order_updated("O-1")
    assert await send(client, event) == 200
    assert await send(client, event) == 200  # Square's retry: a duplicate
    other = payment_updated("O-1") if kind == "order" else order_updated("O-1")
    assert await send(client, other) == 200  # the other kind, same order
    await settled(database)
    done = [e for e in await webhooks(SqlInbox(database.engine)) if e.state.value == "done"]
    assert len(done) == 2
    result = await books(world)
    assert (result.receipts, result.lines, result.net_sales) == (1, 1, 800)
    assert len(square.calls("/v2/orders/batch-retrieve")) == 2


async def test_a_pos_outage_is_retried_then_booked(
    database: Database, aiohttp_client: AiohttpClient, square: FakeSquare
) -> None:
    world = await connected_bar(database, square)
    square.add_order(sale("O-2"))
    square.outage(3)  # the worker's first reconciliation run may take one of them
    client = await aiohttp_client(app_for(database, square))
    assert await send(client, payment_updated("O-2")) == 200
    await settled(database)
    assert (await books(world)).lines == 1
    [event] = await webhooks(SqlInbox(database.engine))
    assert event.state.value == "done" and event.attempts >= 1  # failed, retried, booked


async def test_a_payment_not_completed_is_skipped(
    database: Database, aiohttp_client: AiohttpClient, square: FakeSquare
) -> None:
    await connected_bar(database, square)
    client = await aiohttp_client(app_for(database, square))
    assert await send(client, payment_updated("O-3", status="APPROVED")) == 200
    await settled(database)
    [event] = await webhooks(SqlInbox(database.engine))
    assert event.state.value == "skipped" and "APPROVED" in (event.last_error or "")
    assert square.calls("/v2/orders/batch-retrieve") == []


async def test_an_unknown_merchant_is_stored_and_skipped_with_the_reason(
    database: Database, aiohttp_client: AiohttpClient, square: FakeSquare
) -> None:
    await connected_bar(database, square)
    client = await aiohttp_client(app_for(database, square))
    assert await send(client, payment_updated("O-4", merchant_id="MLSTRANGER")) == 200
    await settled(database)
    [event] = await webhooks(SqlInbox(database.engine))
    assert event.venue_id is None
    assert event.state.value == "skipped"
    assert "MLSTRANGER is not connected" in (event.last_error or "")


async def test_a_bad_square_signature_is_401_and_stores_nothing(
    database: Database, aiohttp_client: AiohttpClient, square: FakeSquare
) -> None:
    await connected_bar(database, square)
    client = await aiohttp_client(app_for(database, square))
    assert await send(client, payment_updated("O-5"), key="not-the-key") == 401
    assert await stored(database) == 0


async def test_square_unconfigured_is_404(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(webhook_app(database))
    response = await client.post("/webhooks/square", data=b"{}")
    assert response.status == 404
