"""A refund delivered before its sale (deliveries are unordered): acknowledged, kept pending and
retried until the sale is booked, then booked once; `failed` and replayable after the budget."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from aiohttp import web
from pytest_aiohttp import AiohttpClient

from app.webhooks import retry_key
from engine.inbox import RetryPolicy, StoredEvent
from engine.usecases import reports
from storage.database import Database
from storage.inbox import SqlInbox
from tests.app.webhook_world import Json, books, closed, generic_bar, post, settled, webhook_app
from tests.engine.usecases_world import World

QUICK = RetryPolicy(first_delay=timedelta(milliseconds=20), factor=1, max_attempts=1000)


def refunded(n: int | str, of: int | str, lines: tuple[str, ...] = ("L1",)) -> Json:
    return {
        "event_id": f"evt-refund-{n}",
        "type": "receipt.refunded",
        "receipt": {
            "id": f"RF-{n}",
            "refund_of": f"R-{of}",
            "closed_at": "2026-11-21T22:00:00-05:00",
            "currency": "USD",
            "lines": [{"id": line, "quantity": "1", "net_amount": 800} for line in lines],
        },
    }


def app_for(database: Database, retry: RetryPolicy = QUICK) -> web.Application:
    app = webhook_app(database)
    app[retry_key] = retry
    return app


async def the_event(database: Database, dedupe_suffix: str) -> StoredEvent:
    [event] = [
        e for e in await SqlInbox(database.engine).list() if e.dedupe_key.endswith(dedupe_suffix)
    ]
    return event


async def tried(
    database: Database, suffix: str, *, attempts: int, timeout: float = 60.0
) -> StoredEvent:
    """Wait until the event has failed `attempts` times (or more)."""
    deadline = time.monotonic() + timeout
    while (event := await the_event(database, suffix)).attempts < attempts:
        if time.monotonic() > deadline:
            raise AssertionError(f"{suffix} tried {event.attempts} times")
        await asyncio.sleep(0.05)
    return event


async def refunds(world: World) -> int:
    return (await reports.sales(world.db.unit_of_work, world.clock, world.venue)).refunds.minor


async def test_a_refund_before_its_sale_waits_then_books_once(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    world, secret = await generic_bar(database)
    client = await aiohttp_client(app_for(database))

    assert (await post(client, "downtown", secret, refunded(1, of=1)))[0] == 200
    waiting = await tried(database, ":evt-refund-1", attempts=1)
    assert waiting.state.value == "pending"  # acknowledged and kept, not done, not lost
    assert "sale not recorded yet" in (waiting.last_error or "")
    assert "RF-1" in (waiting.last_error or "")
    assert (await books(world)).lines == 0 and await refunds(world) == 0

    assert (await post(client, "downtown", secret, closed(1)))[0] == 200
    await settled(database)
    assert (await the_event(database, ":evt-refund-1")).state.value == "done"
    assert (await the_event(database, ":evt-1")).state.value == "done"
    result = await books(world)
    assert (result.receipts, result.lines, result.net_sales) == (1, 1, 0)  # 800 sold, 800 back
    assert await refunds(world) == 800

    # The refund again (POS retry, replay): nothing doubles.
    assert (await post(client, "downtown", secret, refunded(1, of=1)))[1]["status"] == "duplicate"
    inbox = SqlInbox(database.engine)
    await inbox.replay((await the_event(database, ":evt-refund-1")).id, datetime.now(UTC))
    await settled(database)
    assert (await books(world)).net_sales == 0 and await refunds(world) == 800


async def test_lines_booked_by_an_earlier_attempt_do_not_double(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    """The refund returns L1 (sold) and L2 (a line a later version of the sale adds)."""
    world, secret = await generic_bar(database)
    client = await aiohttp_client(app_for(database))
    assert (await post(client, "downtown", secret, closed(2, lines=1, version=1)))[0] == 200
    await settled(database)

    assert (await post(client, "downtown", secret, refunded(2, of=2, lines=("L1", "L2"))))[0] == 200
    await tried(database, ":evt-refund-2", attempts=2)
    assert await refunds(world) == 800  # L1 is back already; L2 waits for its sale

    assert (await post(client, "downtown", secret, closed(2, lines=2, version=2)))[0] == 200
    await settled(database)
    result = await books(world)
    assert (result.lines, result.net_sales) == (2, 0)
    assert await refunds(world) == 1600


async def test_after_the_retry_budget_it_is_failed_and_a_replay_books_it(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    world, secret = await generic_bar(database)
    budget = RetryPolicy(first_delay=timedelta(milliseconds=20), factor=1, max_attempts=2)
    client = await aiohttp_client(app_for(database, budget))

    assert (await post(client, "downtown", secret, refunded(3, of=3)))[0] == 200
    failed = await tried(database, ":evt-refund-3", attempts=2)
    assert failed.state.value == "failed"
    assert "sale not recorded yet" in (failed.last_error or "")
    assert [e.id for e in await SqlInbox(database.engine).list(failed_only=True)] == [failed.id]

    assert (await post(client, "downtown", secret, closed(3)))[0] == 200
    await settled(database)
    assert await refunds(world) == 0
    assert await SqlInbox(database.engine).replay_failed(datetime.now(UTC)) == 1
    await settled(database)
    assert (await the_event(database, ":evt-refund-3")).state.value == "done"
    assert (await books(world)).net_sales == 0 and await refunds(world) == 800


async def test_a_refund_of_an_unmapped_sale_does_not_wait(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    """The sale was seen (tallied unmapped): there is nothing to reverse, now or later."""
    world, secret = await generic_bar(database)
    client = await aiohttp_client(app_for(database))
    sale = closed(4)
    sale["receipt"]["lines"][0]["name"] = "Mystery Shot"
    assert (await post(client, "downtown", secret, sale))[0] == 200
    await settled(database)
    assert (await post(client, "downtown", secret, refunded(4, of=4)))[0] == 200
    await settled(database)
    event = await the_event(database, ":evt-refund-4")
    assert (event.state.value, event.attempts) == ("done", 0)
    assert await refunds(world) == 0
