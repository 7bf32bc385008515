"""Square reconciliation against FakeSquare and a real database: missed orders book once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from cryptography.fernet import Fernet

from app.processing import order_booker
from engine.connections import PosConnection
from integrations.reconcile import SquareReconciler
from integrations.square.client import SquareClient
from integrations.square.tokens import SquareTokens
from storage.connections import SqlConnections
from storage.database import Database
from tests.app.webhook_world import books
from tests.engine.usecases_world import World, bar, make_world
from tests.integrations.fakes.square import (
    LOCATION_ID,
    MERCHANT_ID,
    FakeSquare,
    make_line,
    make_order,
)

KEY = Fernet.generate_key()


def utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare() as fake:
        yield fake


def order(order_id: str, updated: datetime) -> dict[str, object]:
    lines = [make_line("u1", "Tito's Shot", 800, catalog_object_id="sq-titos")]
    return make_order(order_id, lines=lines, updated_at=utc(updated), closed_at=utc(updated))


async def setup(database: Database, square: FakeSquare) -> tuple[World, SqlConnections]:
    world = await bar(await make_world(database))
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    connections = SqlConnections(database.engine, Fernet(KEY))
    now = datetime.now(UTC)
    await connections.save(
        PosConnection(
            venue.id, "square", MERCHANT_ID, (LOCATION_ID,), square.grant(), "r",
            now + timedelta(days=29),
        ),
        now,
    )  # fmt: skip
    return world, connections


async def test_missed_orders_are_booked_once_and_the_cursor_advances(
    database: Database, square: FakeSquare
) -> None:
    world, connections = await setup(database, square)
    now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 21:00 in New York, after the mappings
    world.clock.at = now + timedelta(hours=1)  # the reports' "today" is the orders' day
    for n in range(3):
        square.add_order(order(f"O-{n}", now - timedelta(minutes=20 * (n + 1))))
    square.add_order(order("O-old", now - timedelta(days=3)))  # before the first look
    clock = {"now": now}

    async with aiohttp.ClientSession() as session:
        client = SquareClient(session, square.base_url)
        tokens = SquareTokens(connections, client, None, None, lambda: clock["now"])
        reconciler = SquareReconciler(
            client, tokens, connections, order_booker(database, lambda: clock["now"]),
            lambda: clock["now"],
        )  # fmt: skip
        [first] = await reconciler.run()
        assert (first.orders, first.booked, first.failed) == (3, 3, False)
        result = await books(world)
        assert (result.receipts, result.lines) == (3, 3)
        stored = await connections.get("square", MERCHANT_ID)
        assert stored is not None and stored.cursor == now.isoformat()

        # Later: one order updated inside the overlap (seen again: books nothing), one new.
        clock["now"] = now + timedelta(minutes=30)
        square.add_order(order("O-late", now - timedelta(minutes=5)))
        square.add_order(order("O-new", now + timedelta(minutes=20)))
        [second] = await reconciler.run()
        assert (second.orders, second.failed) == (2, False)
        result = await books(world)
        assert (result.receipts, result.lines) == (5, 5)

        # Run again: the same window's orders book nothing more.
        await reconciler.run()
        assert (await books(world)).lines == 5


async def test_a_failing_merchant_keeps_its_cursor(database: Database, square: FakeSquare) -> None:
    _, connections = await setup(database, square)
    square.outage(5)
    async with aiohttp.ClientSession() as session:
        client = SquareClient(session, square.base_url)
        tokens = SquareTokens(connections, client, None, None, lambda: datetime.now(UTC))
        reconciler = SquareReconciler(
            client, tokens, connections, order_booker(database, lambda: datetime.now(UTC)),
            lambda: datetime.now(UTC),
        )  # fmt: skip
        [result] = await reconciler.run()
    assert result.failed
    stored = await connections.get("square", MERCHANT_ID)
    assert stored is not None and stored.cursor is None
