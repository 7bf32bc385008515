"""A Square connection that ends: Square's `oauth.authorization.revoked` webhook, Square refusing
the credentials during reconciliation, and `disconnect square` by hand. Each marks the connection
revoked, forgets its tokens, alerts the venue once, and stops the polling; on both databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient
from sqlalchemy import select

from app.processing import order_booker
from app.square import revocation
from bot.commands import commands as c
from bot.commands import grammar
from bot.commands.session import Actor, SessionContext, run
from bot.slack.alert_blocks import render_alert
from engine.alerts import AlertKind
from engine.errors import InvalidInput
from engine.inbox import EventState
from engine.usecases import settings
from engine.venue import Venue
from integrations.square.client import SquareClient
from integrations.square.reconcile import square_reconciler
from integrations.square.tokens import SquareTokens
from storage.connections import SqlConnections
from storage.database import Database, open_database
from storage.inbox import SqlInbox
from storage.migrate import upgrade_database
from storage.outbox import SqlOutbox
from storage.tables import audit_log
from tests.app.test_cli import Barback
from tests.app.test_webhooks_square import (
    KEY,
    app_for,
    connected_bar,
    order_updated,
    send,
)
from tests.app.webhook_world import settled
from tests.engine.usecases_world import ACTOR, World
from tests.integrations.fakes.square import MERCHANT_ID, FakeSquare

ALERTS = "C0ALERTS"


def revoked_event(event_id: str = "rev-1") -> dict[str, Any]:
    """Square's `oauth.authorization.revoked` notification (its documented shape)."""
    return {
        "merchant_id": MERCHANT_ID,
        "type": "oauth.authorization.revoked",
        "event_id": event_id,
        "created_at": "2026-11-22T03:00:00Z",
        "data": {
            "type": "revocation",
            "id": event_id,
            "object": {
                "revocation": {"revoked_at": "2026-11-22T03:00:00Z", "revoker_type": "MERCHANT"}
            },
        },
    }


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare() as fake:
        yield fake


async def alerted_bar(database: Database, fake: FakeSquare) -> World:
    world = await connected_bar(database, fake)
    await settings.set_alert_channel(
        database.unit_of_work, world.clock, world.venue, channel=ALERTS, actor=ACTOR
    )
    return world


def connections(database: Database) -> SqlConnections:
    return SqlConnections(database.engine, Fernet(KEY))


async def disconnected_alerts(database: Database) -> list[dict[str, object]]:
    return [m.payload for m in await SqlOutbox(database.engine).list(kind=AlertKind.DISCONNECTED)]


def reconciler(database: Database, session: aiohttp.ClientSession, fake: FakeSquare) -> Any:
    def now() -> datetime:
        return datetime.now(UTC)

    client = SquareClient(session, fake.base_url)
    store = connections(database)
    return square_reconciler(
        client,
        SquareTokens(store, client, None, None, now),
        store,
        order_booker(database, now),
        now,
        on_revoked=revocation(database, now),
    )


async def test_the_revocation_webhook_ends_the_connection_alerts_once_and_stops_polling(
    database: Database,
    aiohttp_client: AiohttpClient,
    square: FakeSquare,
) -> None:
    await alerted_bar(database, square)
    client = await aiohttp_client(app_for(database, square))
    await settled(database)

    assert await send(client, revoked_event("rev-1")) == 200
    await settled(database)
    assert await send(client, revoked_event("rev-2")) == 200  # said twice: alerted once
    await settled(database)

    ended = await connections(database).get("square", MERCHANT_ID)
    assert ended is not None and ended.revoked_at is not None
    assert (ended.access_token, ended.refresh_token) == ("", None)
    events = await SqlInbox(database.engine).list()
    states = {e.dedupe_key: e.state for e in events}
    assert (states.pop("rev-1"), states.pop("rev-2")) == (EventState.DONE, EventState.DONE)
    # The day's menu request, if the worker's job queued it, reads no revoked merchant.
    assert set(states.values()) <= {EventState.DONE, EventState.SKIPPED}
    assert all(key.startswith("barback-menu:") for key in states)
    [alert] = await disconnected_alerts(database)
    assert alert["channel"] == ALERTS
    assert alert["accounts"] == [MERCHANT_ID]
    [message] = render_alert(AlertKind.DISCONNECTED, [alert])
    text = message.text
    assert "barback no longer reads Square" in text and "connect square" in text
    async with database.engine.connect() as db:
        audit = (await db.execute(select(audit_log.c.actor, audit_log.c.action))).all()
    assert ("pos:square", "disconnect") in [tuple(row) for row in audit]

    searched = len(square.calls("/v2/orders/search"))  # the worker's run at start, if any
    async with aiohttp.ClientSession() as session:
        assert await reconciler(database, session, square).run() == []
    assert len(square.calls("/v2/orders/search")) == searched

    # A sale webhook of that merchant now waits for a new consent instead of failing.
    assert await send(client, order_updated("O-9")) == 200
    await settled(database)
    [latest] = (await SqlInbox(database.engine).list())[:1]
    assert latest.state is EventState.SKIPPED
    assert "was disconnected" in (latest.last_error or "")


async def test_refused_credentials_end_the_connection_once_instead_of_failing_every_run(
    database: Database,
    square: FakeSquare,
) -> None:
    await alerted_bar(database, square)
    connection = await connections(database).get("square", MERCHANT_ID)
    assert connection is not None
    square.revoke(connection.access_token)  # revoked in Square; the webhook never came

    async with aiohttp.ClientSession() as session:
        first = await reconciler(database, session, square).run()
        assert [(r.account, r.failed) for r in first] == [(MERCHANT_ID, True)]
        searches = len(square.calls("/v2/orders/search"))
        for _ in range(3):  # the next runs, five minutes apart
            assert await reconciler(database, session, square).run() == []
    assert len(square.calls("/v2/orders/search")) == searches
    ended = await connections(database).get("square", MERCHANT_ID)
    assert ended is not None and not ended.active
    assert len(await disconnected_alerts(database)) == 1


def test_disconnect_square_by_hand(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    async def set_up() -> tuple[World, Venue]:
        database = await open_database(database_url)
        try:
            await upgrade_database(database)
            world = await alerted_bar(database, FakeSquare())  # its tokens only: not started
            async with database.unit_of_work() as uow:
                return world, await uow.venues.get(world.venue)
        finally:
            await database.close()

    world, venue = asyncio.run(set_up())
    cli = Barback({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "USER": "sam"}, capsys)

    status, out, err = cli("--venue", "downtown", "disconnect", "square")
    assert (status, err) == (0, "")
    assert out.strip() == f"disconnected square: reading {MERCHANT_ID} -> none (by sam)"
    status, out, err = cli("--venue", "downtown", "disconnect", "square")
    assert status == 2
    assert "Downtown reads nothing from Square: there is no connection to end" in err

    async def check() -> None:
        database = await open_database(database_url)
        try:
            [alert] = await disconnected_alerts(database)
            assert alert["actor"] == "terminal:sam"
            # In Slack it is a change: managers only.
            someone = SessionContext(
                venue=venue,
                actor=Actor("slack", "U0BARTENDER", "alex", is_manager=False),
                uow=database.unit_of_work,
                clock=world.clock,
            )
            refused = await run("disconnect square", someone)
            assert not refused.ok and refused.error_code == "not_allowed"
        finally:
            await database.close()

    asyncio.run(check())


def test_the_grammar_reads_disconnect() -> None:
    assert grammar.parse("disconnect square") == c.Disconnect("square")
    assert grammar.parse("disconnect Clover") == c.Disconnect("clover")
    with pytest.raises(InvalidInput):
        grammar.parse("disconnect lightspeed")
    with pytest.raises(InvalidInput):
        grammar.parse("disconnect")
