"""Issue 11 for fetched POS orders: an order with a value out of bounds fails its event at once,
with the reason in `barback events` and a REFUSED alert, instead of being retried for hours
(FakeSquare, both databases). The books do not move."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy import select

from engine.usecases import settings
from storage.database import Database
from storage.inbox import SqlInbox
from storage.tables import outbox
from tests.app.test_webhooks_square import (
    CLOSED,
    app_for,
    connected_bar,
    send,
    square,  # noqa: F401  (the fixture)
)
from tests.app.webhook_world import books, settled
from tests.engine.usecases_world import ACTOR
from tests.integrations.fakes.square import FakeSquare, make_line, make_order, payment_updated


def order(order_id: str, *, quantity: str = "1", price: int = 800, closed: str = CLOSED) -> Any:
    line = make_line("u1", "Tito's Shot", price, quantity, catalog_object_id="sq-titos")
    return make_order(order_id, lines=[line], closed_at=closed, updated_at=closed)


@pytest.mark.parametrize(
    ("case", "fetched", "reason"),
    [
        ("a fourth decimal", order("O-1", quantity="0.3333"), "quantity has more decimals"),
        ("a quantity over 10,000", order("O-1", quantity="99999"), "quantity is over the limit"),
        ("a huge price", order("O-1", price=2**62), "net amount is over the limit"),
        (
            "a close in 2031",
            order("O-1", closed="2031-06-01T01:00:00Z"),
            "is more than a day ahead of now",
        ),
    ],
)
async def test_an_order_out_of_bounds_fails_once_clearly(
    database: Database,
    aiohttp_client: AiohttpClient,
    square: FakeSquare,  # noqa: F811
    case: str,
    fetched: Any,
    reason: str,
) -> None:
    world = await connected_bar(database, square)
    await settings.set_alert_channel(
        database.unit_of_work, world.clock, world.venue, channel="C0ALERTS", actor=ACTOR
    )
    before = await books(world)
    square.add_order(fetched)
    client = await aiohttp_client(app_for(database, square))

    assert await send(client, payment_updated("O-1")) == 200
    await settled(database, timeout=20)

    # The connection's menu request (`barback-menu:...`) is an event too; the webhook's is ours.
    events = await SqlInbox(database.engine).list()
    [event] = [e for e in events if not e.dedupe_key.startswith("barback-menu:")]
    assert (event.state.value, event.attempts) == ("failed", 1)  # not retried for hours
    assert (event.last_error or "").startswith("refused: ") and reason in (event.last_error or "")
    assert "InvalidInput" not in (event.last_error or "")
    async with database.engine.connect() as connection:
        alerts = [
            row.payload for row in await connection.execute(select(outbox.c.kind, outbox.c.payload))
        ]
    assert len(alerts) == 1 and reason in alerts[0]["reason"]
    assert alerts[0]["channel"] == "C0ALERTS" and "square event" in alerts[0]["what"]
    assert await books(world) == before
