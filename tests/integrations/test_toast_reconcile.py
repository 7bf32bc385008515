"""Toast reconciliation (`polling.Reconciler` + `ToastPoller`) against FakeToast and a real
database: every page of a window books, the cursor moves only after a good run, and one process
in many runs each slot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from cryptography.fernet import Fernet

from app.processing import order_booker
from app.toast import VenueCurrencies
from engine.connections import PosConnection
from engine.usecases import catalog
from integrations.api_calls import PosApi
from integrations.client_credentials import AccessToken, ClientCredentialsTokens
from integrations.polling import Reconciler
from integrations.toast.client import ToastClient
from integrations.toast.reconcile import ToastPoller
from storage.connections import SqlConnections
from storage.database import Database
from storage.job_runs import SqlJobRuns
from tests.app.webhook_world import books
from tests.engine.usecases_world import ACTOR, World, bar, ing, make_world, seen
from tests.integrations.fakes.toast import RESTAURANT, FakeToast
from tests.integrations.fakes.toast_orders import make_check, make_order, make_selection

TITOS = "6c1e2a3b-0000-4000-8000-00000000a001"


@pytest.fixture
async def toast() -> AsyncIterator[FakeToast]:
    async with FakeToast() as fake:
        fake.grant(RESTAURANT)
        yield fake


def order(n: int, modified: datetime) -> dict[str, object]:
    closed = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # after the world's mappings
    selection = make_selection(f"sel-{n}", TITOS, "Tito's Shot", price=800)
    check = make_check(f"check-{n}", [selection], opened=closed, paid=closed, modified=modified)
    return make_order(f"order-{n}", [check], opened=closed, modified=modified, paid=closed)


async def setup(database: Database) -> tuple[World, SqlConnections]:
    world = await bar(await make_world(database))
    await seen(world, TITOS, "Toast Tito's", provider="toast")
    await catalog.map_item(database.unit_of_work, world.clock, world.venue, pos_item=TITOS,
                           items=[ing("1 shot", "tito")], actor=ACTOR)  # fmt: skip
    connections = SqlConnections(database.engine, Fernet(Fernet.generate_key()))
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    now = datetime.now(UTC)
    await connections.save(PosConnection(venue.id, "toast", RESTAURANT, (), "", None, None), now)
    return world, connections


def reconciler(
    database: Database,
    connections: SqlConnections,
    session: aiohttp.ClientSession,
    toast: FakeToast,
    *,
    runs: SqlJobRuns | None = None,
    frozen: datetime | None = None,
) -> Reconciler:
    client = ToastClient(PosApi(session, toast.base_url, "toast"))

    def now() -> datetime:
        return frozen or datetime.now(UTC)

    async def login() -> AccessToken:
        return await client.login(toast.client_id, toast.client_secret, now())

    poller = ToastPoller(client, ClientCredentialsTokens(login, now), VenueCurrencies(database))
    return Reconciler(poller, connections, order_booker(database, now), now, runs=runs)


async def test_every_page_books_and_the_cursor_moves_after_a_good_run(
    database: Database, toast: FakeToast
) -> None:
    world, connections = await setup(database)
    recent = datetime.now(UTC) - timedelta(hours=2)
    for n in range(150):  # two pages of ordersBulk
        toast.put_order(RESTAURANT, order(n, recent + timedelta(seconds=n)))
    toast.put_order(RESTAURANT, order(999, recent - timedelta(days=2)))  # before the first look
    async with aiohttp.ClientSession() as session:
        reconcile = reconciler(database, connections, session, toast)
        toast.outage(1)
        [failed] = await reconcile.run()
        assert failed.failed and (await connections.get("toast", RESTAURANT)).cursor is None  # type: ignore[union-attr]
        [result] = await reconcile.run()
        assert (result.orders, result.booked, result.failed) == (150, 150, False)
        cursor = (await connections.get("toast", RESTAURANT)).cursor  # type: ignore[union-attr]
        assert cursor is not None
        pages = [c.query["page"] for c in toast.calls("/orders/v2/ordersBulk")]
        assert pages == ["1", "2"]  # the failed run never got an answer
        assert toast.logins == 1  # one machine token for both runs
    result_books = await books(world)
    assert (result_books.receipts, result_books.lines) == (150, 150)


async def test_one_process_in_many_runs_each_slot(database: Database, toast: FakeToast) -> None:
    world, connections = await setup(database)
    frozen = datetime.now(UTC)  # both processes tick in the same 5-minute slot
    toast.put_order(RESTAURANT, order(1, frozen - timedelta(minutes=1)))
    async with aiohttp.ClientSession() as session:
        runs = SqlJobRuns(database.engine)
        first = reconciler(database, connections, session, toast, runs=runs, frozen=frozen)
        second = reconciler(database, connections, session, toast, runs=runs, frozen=frozen)
        ran = [await first.run(), await second.run()]
    assert sum(len(r) for r in ran) == 1  # the slot was claimed once
    assert (await books(world)).lines == 1
