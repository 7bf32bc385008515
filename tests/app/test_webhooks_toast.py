"""`POST /webhooks/toast` and the worker against FakeToast, on both databases."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient

from app.webhooks import retry_key, run_jobs_key
from engine.connections import PosConnection
from engine.inbox import RetryPolicy
from engine.usecases import catalog
from storage.connections import SqlConnections
from storage.database import Database
from storage.inbox import SqlInbox
from tests.app.webhook_world import Client, books, settled, stored, webhook_app
from tests.engine.usecases_world import ACTOR, World, bar, ing, make_world, seen
from tests.integrations.fakes.toast import RESTAURANT, FakeToast
from tests.integrations.fakes.toast_orders import (
    deliver,
    make_check,
    make_order,
    make_selection,
    order_message,
    partner_message,
)

KEY = Fernet.generate_key().decode()
SECRET = "toast-webhook-secret"
CLOSED = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # after the world's mappings
TITOS = "6c1e2a3b-0000-4000-8000-00000000a001"


def toast_env(toast: FakeToast) -> dict[str, str]:
    return {
        "BARBACK_SECRET_KEY": KEY,
        "TOAST_CLIENT_ID": toast.client_id,
        "TOAST_CLIENT_SECRET": toast.client_secret,
        "TOAST_WEBHOOK_SECRET": SECRET,
        "TOAST_BASE_URL": toast.base_url,
    }


@pytest.fixture
async def toast() -> AsyncIterator[FakeToast]:
    async with FakeToast() as fake:
        yield fake


async def toast_bar(database: Database, *, bound: bool = True) -> World:
    """The world's bar, with Tito's Shot known by its Toast menu guid and mapped."""
    world = await bar(await make_world(database))
    await seen(world, TITOS, "Toast Tito's", provider="toast")
    await catalog.map_item(
        database.unit_of_work, world.clock, world.venue, pos_item=TITOS,
        items=[ing("1 shot", "tito")], actor=ACTOR,
    )  # fmt: skip
    if bound:
        await bind(database, world)
    return world


async def bind(database: Database, world: World) -> None:
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    connection = PosConnection(venue.id, "toast", RESTAURANT, (), "", None, None)
    await SqlConnections(database.engine, Fernet(KEY)).save(connection, datetime.now(UTC))


def app_for(database: Database, toast: FakeToast) -> web.Application:
    app = webhook_app(database, env=toast_env(toast))
    app[retry_key] = RetryPolicy(first_delay=timedelta(milliseconds=50), max_attempts=5)
    app[run_jobs_key] = False
    return app


def sale(n: int = 1, *, status: str = "CLOSED", modified: datetime = CLOSED) -> dict[str, Any]:
    selection = make_selection(f"sel-{n}", TITOS, "Tito's Shot", price=800)
    check = make_check(f"check-{n}", [selection], status=status, opened=CLOSED,
                       paid=None if status == "OPEN" else CLOSED, modified=modified)  # fmt: skip
    return make_order(f"order-{n}", [check], opened=CLOSED, modified=modified, paid=CLOSED)


async def post(
    client: Client, message: dict[str, Any], *, secret: str = SECRET
) -> tuple[int, dict[str, Any]]:
    signed = deliver(message, secret)
    response = await client.post("/webhooks/toast", data=signed.body, headers=signed.headers)
    return response.status, await response.json()


def now() -> datetime:
    return datetime.now(UTC)


async def test_a_closed_check_is_stored_answered_and_booked_without_calling_toast(
    database: Database, aiohttp_client: AiohttpClient, toast: FakeToast
) -> None:
    world = await toast_bar(database)
    client = await aiohttp_client(app_for(database, toast))
    message = order_message(sale(), RESTAURANT, at=now())
    status, answer = await post(client, message)
    assert (status, answer) == (200, {"status": "accepted", "event_id": message["guid"]})
    assert (await post(client, message))[1]["status"] == "duplicate"  # Toast's retry
    await settled(database)
    result = await books(world)
    assert (result.receipts, result.lines, result.net_sales) == (1, 1, 800)
    # The order is in the message: neither the answer nor the booking asked Toast for anything.
    assert toast.requests == []
    [event] = await SqlInbox(database.engine).list()
    assert event.headers["Toast-Attempt-Number"] == "1"


async def test_an_open_check_is_skipped_and_its_closing_books(
    database: Database, aiohttp_client: AiohttpClient, toast: FakeToast
) -> None:
    world = await toast_bar(database)
    client = await aiohttp_client(app_for(database, toast))
    opened = sale(status="OPEN", modified=CLOSED - timedelta(minutes=5))
    assert (await post(client, order_message(opened, RESTAURANT, at=now())))[0] == 200
    assert (await post(client, order_message(sale(), RESTAURANT, at=now())))[0] == 200
    await settled(database)
    states = sorted(e.state.value for e in await SqlInbox(database.engine).list())
    assert states == ["done", "skipped"]
    assert (await books(world)).lines == 1


async def test_an_unknown_restaurant_is_kept_and_books_once_connected_and_replayed(
    database: Database, aiohttp_client: AiohttpClient, toast: FakeToast
) -> None:
    world = await toast_bar(database, bound=False)
    client = await aiohttp_client(app_for(database, toast))
    assert (await post(client, order_message(sale(), RESTAURANT, at=now())))[0] == 200
    await settled(database)
    inbox = SqlInbox(database.engine)
    [event] = await inbox.list()
    assert event.state.value == "skipped"
    assert f"connect toast {RESTAURANT}" in (event.last_error or "")
    await bind(database, world)
    await inbox.replay(event.id, now())
    await settled(database)
    assert (await books(world)).lines == 1


async def test_partner_removed_unbinds_and_partner_added_says_how_to_bind(
    database: Database, aiohttp_client: AiohttpClient, toast: FakeToast
) -> None:
    world = await toast_bar(database)
    client = await aiohttp_client(app_for(database, toast))
    removed = partner_message("partner_removed", RESTAURANT, "The Fake Tap Room", at=now())
    assert (await post(client, removed))[0] == 200
    await settled(database)
    assert await SqlConnections(database.engine, Fernet(KEY)).get("toast", RESTAURANT) is None
    added = partner_message("partner_added", RESTAURANT, "The Fake Tap Room", at=now())
    assert (await post(client, added))[0] == 200
    assert (await post(client, order_message(sale(), RESTAURANT, at=now())))[0] == 200
    await settled(database)
    reasons = sorted(e.last_error or "" for e in await SqlInbox(database.engine).list())
    assert any(r.startswith(f"connect toast {RESTAURANT} binds it: Toast") for r in reasons)
    assert any("removed barback: unbound from its venue" in r for r in reasons)
    assert any("is not connected to a venue" in r for r in reasons)
    assert (await books(world)).lines == 0


async def test_refusals_store_nothing_and_are_counted(
    database: Database, aiohttp_client: AiohttpClient, toast: FakeToast
) -> None:
    await toast_bar(database)
    client = await aiohttp_client(app_for(database, toast))
    message = order_message(sale(), RESTAURANT, at=now())
    assert (await post(client, message, secret="not-ours"))[0] == 401
    stale = order_message(sale(), RESTAURANT, at=now() - timedelta(hours=1))
    assert (await post(client, stale))[:1] == (401,)
    broken = {**message, "details": {"restaurantGuid": RESTAURANT, "order": "not an order"}}
    status, answer = await post(client, broken)
    assert (status, answer["error"]) == (400, "bad_payload")
    assert await stored(database) == 0
    text = await (await client.get("/metrics")).text()
    assert (
        'barback_webhook_events_rejected_total{provider="toast",reason="signature_invalid"} 2.0'
        in text
    )
    assert (
        'barback_webhook_events_rejected_total{provider="toast",reason="bad_payload"} 1.0' in text
    )


async def test_toast_unconfigured_or_an_unknown_pos_is_404(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(webhook_app(database))
    for path in ("/webhooks/toast", "/webhooks/lightspeed"):
        response = await client.post(path, data=b"{}")
        assert response.status == 404
        assert (await response.json())["error"] == "not_configured"
    text = await (await client.get("/metrics")).text()
    assert "lightspeed" not in text


def test_message_bodies_are_compact_json() -> None:
    body = deliver(order_message(sale(), RESTAURANT, at=CLOSED), SECRET).body
    assert b": " not in body and json.loads(body)["details"]["restaurantGuid"] == RESTAURANT
