"""`POST /webhooks/clover` and the worker against the fake Clover, on both databases."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpClient

from app.webhooks import retry_key
from engine.inbox import RetryPolicy
from storage.database import Database
from storage.inbox import SqlInbox
from tests.app.webhook_world import Client, books, settled, stored, webhook_app
from tests.engine.usecases_world import World
from tests.integrations.clover_world import DOUBLE, KEY, MARGARITA, TITOS, clover_bar, connect
from tests.integrations.fakes.clover import APP_SECRET, FakeClover
from tests.integrations.fakes.clover_orders import (
    APP_ID,
    AUTH_CODE,
    MERCHANT_ID,
    PAID_AT,
    Posted,
    delivery,
    make_line,
    make_modification,
    make_order,
    make_payment,
    order_delivery,
    update,
    verification,
)


def clover_env(clover: FakeClover, *, auth_code: str | None = AUTH_CODE) -> dict[str, str]:
    env = {
        "BARBACK_SECRET_KEY": KEY,
        "CLOVER_APP_ID": APP_ID,
        "CLOVER_APP_SECRET": APP_SECRET,
        "CLOVER_BASE_URL": clover.base_url,
    }
    if auth_code is not None:
        env["CLOVER_WEBHOOK_AUTH_CODE"] = auth_code
    return env


@pytest.fixture
async def clover() -> AsyncIterator[FakeClover]:
    async with FakeClover() as fake:
        yield fake


def app_for(database: Database, clover: FakeClover, **env: str | None) -> web.Application:
    app = webhook_app(database, env=clover_env(clover, **env))  # type: ignore[arg-type]
    app[retry_key] = RetryPolicy(first_delay=timedelta(milliseconds=50), max_attempts=5)
    return app


async def ready(database: Database, clover: FakeClover) -> World:
    world = await clover_bar(database)
    await connect(database, world, clover)
    return world


async def send(client: Client, posted: Posted) -> tuple[int, dict[str, object]]:
    # A big body as a stream: aiohttp warns about (and the suite refuses) large raw bytes.
    data = io.BytesIO(posted.body) if len(posted.body) > 1024 * 1024 else posted.body
    response = await client.post("/webhooks/clover", data=data, headers=posted.headers)
    return response.status, await response.json()


def tab(order_id: str = "ORD1", **kw: object) -> dict[str, object]:
    """Two Tito's shots (one a double) and a margarita: 800 + (800 + 400) + 1200 = 3200."""
    lines = [
        make_line("LI1", "Tito's Shot", 800, item_id=TITOS),
        make_line(
            "LI2", "Tito's Shot", 800, item_id=TITOS,
            modifications=[make_modification("M1", "Double", 400, DOUBLE)],
        ),
        make_line("LI3", "Margarita", 1200, item_id=MARGARITA),
    ]  # fmt: skip
    return make_order(order_id, lines=lines, **kw)  # type: ignore[arg-type]


async def test_an_order_update_fetches_the_order_and_books_it_once(
    database: Database, aiohttp_client: AiohttpClient, clover: FakeClover
) -> None:
    world = await ready(database, clover)
    clover.add_order(tab())
    client = await aiohttp_client(app_for(database, clover))
    assert await send(client, order_delivery("ORD1", PAID_AT + 400)) == (
        200,
        {"status": "accepted", "stored": 1, "duplicates": 0, "ignored": 0},
    )
    status, answer = await send(client, order_delivery("ORD1", PAID_AT + 400))  # a resend
    assert (status, answer["status"], answer["duplicates"]) == (200, "duplicate", 1)
    payment = delivery({MERCHANT_ID: [update("P:PORD1", PAID_AT, "CREATE")]})
    assert (await send(client, payment))[0] == 200  # the payment's notice: the same order
    await settled(database)
    assert await stored(database, state="done") == 2
    result = await books(world)
    assert (result.receipts, result.lines, result.net_sales) == (1, 3, 3200)
    assert len(clover.calls(f"/v3/merchants/{MERCHANT_ID}/orders/ORD1")) == 2


async def test_the_handshake_is_answered_and_logged_and_stores_nothing(
    database: Database,
    aiohttp_client: AiohttpClient,
    clover: FakeClover,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await ready(database, clover)
    client = await aiohttp_client(app_for(database, clover, auth_code=None))
    code = "5220ecf5-7dea-4396-b0ba-a1659c182887"
    assert await send(client, verification(code)) == (
        200,
        {"status": "verification code received"},
    )
    assert f"verification code: {code}" in caplog.text
    # Until the auth code is configured, nothing else gets in.
    status, answer = await send(client, order_delivery("ORD1", PAID_AT))
    assert (status, answer["error"]) == (401, "signature_invalid")
    assert "CLOVER_WEBHOOK_AUTH_CODE" in str(answer["reason"])
    assert await stored(database) == 0


@pytest.mark.parametrize(
    ("posted", "status", "error"),
    [
        (order_delivery("ORD1", PAID_AT, auth_code="wrong-code"), 401, "signature_invalid"),
        (order_delivery("ORD1", PAID_AT, auth_code=None), 401, "signature_invalid"),
        (order_delivery("ORD1", PAID_AT, app_id="OTHERAPP00001"), 401, "signature_invalid"),
        (Posted(b'{"merchants": []}', {"X-Clover-Auth": AUTH_CODE}), 400, "bad_payload"),
        (Posted(b"{", {"X-Clover-Auth": AUTH_CODE}), 400, "bad_payload"),
        (Posted(b'{"verificationCode": "no spaces"}', {}), 400, "bad_payload"),
        (Posted(b"x" * (1024 * 1024 + 1), {"X-Clover-Auth": AUTH_CODE}), 413, "too_large"),
    ],
)
async def test_refused_deliveries_store_nothing(
    database: Database,
    aiohttp_client: AiohttpClient,
    clover: FakeClover,
    caplog: pytest.LogCaptureFixture,
    posted: Posted,
    status: int,
    error: str,
) -> None:
    await ready(database, clover)
    client = await aiohttp_client(app_for(database, clover))
    got, answer = await send(client, posted)
    assert (got, answer["error"]) == (status, error)
    assert await stored(database) == 0
    assert AUTH_CODE not in caplog.text


async def test_clover_unconfigured_is_404(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    client = await aiohttp_client(webhook_app(database))
    status, answer = await send(client, verification())
    assert (status, answer["error"]) == (404, "not_configured")


async def test_one_delivery_for_two_merchants_books_the_known_one_and_skips_the_other(
    database: Database, aiohttp_client: AiohttpClient, clover: FakeClover
) -> None:
    world = await ready(database, clover)
    clover.add_order(tab())
    client = await aiohttp_client(app_for(database, clover))
    posted = delivery(
        {
            MERCHANT_ID: [update("O:ORD1", PAID_AT), update("I:ITEM000000001", PAID_AT)],
            "STRANGER00001": [update("O:THEIRORDER001", PAID_AT)],
        }
    )
    status, answer = await send(client, posted)
    assert (status, answer["stored"], answer["ignored"]) == (200, 2, 1)
    await settled(database)
    events = {e.dedupe_key.split(":")[0]: e for e in await SqlInbox(database.engine).list()}
    assert events[MERCHANT_ID].state.value == "done"
    stranger = events["STRANGER00001"]
    assert (stranger.venue_id, stranger.state.value) == (None, "skipped")
    assert "STRANGER00001 is not connected" in (stranger.last_error or "")
    assert (await books(world)).lines == 3


async def test_a_clover_outage_is_retried_then_booked(
    database: Database, aiohttp_client: AiohttpClient, clover: FakeClover
) -> None:
    world = await ready(database, clover)
    clover.add_order(tab())
    clover.outage(3)  # the worker's first reconciliation run may take one of them
    client = await aiohttp_client(app_for(database, clover))
    assert (await send(client, order_delivery("ORD1", PAID_AT)))[0] == 200
    await settled(database, timeout=20)
    assert (await books(world)).lines == 3
    [event] = await SqlInbox(database.engine).list()
    assert event.state.value == "done" and event.attempts >= 1
    metrics = await (await client.get("/metrics")).text()
    assert 'barback_pos_orders_fetched_total{provider="clover"} 1.0' in metrics
    assert 'barback_pos_api_errors_total{kind="unavailable",provider="clover"}' in metrics


async def test_an_unpaid_order_is_skipped_and_a_deleted_one_too(
    database: Database, aiohttp_client: AiohttpClient, clover: FakeClover
) -> None:
    world = await ready(database, clover)
    clover.add_order(tab(payment_state="OPEN"))
    client = await aiohttp_client(app_for(database, clover))
    posted = delivery({MERCHANT_ID: [update("O:ORD1", PAID_AT), update("O:GONE", PAID_AT)]})
    assert (await send(client, posted))[0] == 200
    await settled(database)
    reasons = sorted(e.last_error or "" for e in await SqlInbox(database.engine).list())
    assert "(deleted?)" in reasons[0] and "OPEN, not PAID" in reasons[1]
    assert (await books(world)).lines == 0


async def test_a_payment_voided_after_the_sale_books_as_its_refund(
    database: Database, aiohttp_client: AiohttpClient, clover: FakeClover
) -> None:
    world = await ready(database, clover)
    clover.add_order(tab())
    client = await aiohttp_client(app_for(database, clover))
    assert (await send(client, order_delivery("ORD1", PAID_AT + 400)))[0] == 200
    await settled(database)
    voided = make_payment("PORD1", "ORD1", 3200, result="VOIDED", modified=PAID_AT + 60_000)
    clover.add_order(tab(payment_state="OPEN", payments=[voided], modified=PAID_AT + 60_000))
    assert (await send(client, order_delivery("ORD1", PAID_AT + 60_000)))[0] == 200
    await settled(database)
    result = await books(world)
    assert (result.receipts, result.lines, result.net_sales) == (1, 3, 0)


async def test_the_auth_code_never_reaches_the_log(
    database: Database,
    aiohttp_client: AiohttpClient,
    clover: FakeClover,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await ready(database, clover)
    clover.add_order(tab())
    client = await aiohttp_client(app_for(database, clover))
    assert (await send(client, order_delivery("ORD1", PAID_AT)))[0] == 200
    await settled(database)
    await asyncio.sleep(0)
    assert AUTH_CODE not in caplog.text and APP_SECRET not in caplog.text
    [event] = await SqlInbox(database.engine).list()
    assert "X-Clover-Auth" not in event.headers and "x-clover-auth" not in event.headers
