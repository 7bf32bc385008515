"""`POST /webhooks/generic/{venue}` on the real app, both databases: stored, then booked once."""

from __future__ import annotations

import asyncio

from pytest_aiohttp import AiohttpClient

from storage.database import Database
from tests.app.webhook_world import (
    Books,
    books,
    closed,
    generic_bar,
    post,
    settled,
    signed,
    stored,
    webhook_app,
)


async def test_a_receipt_is_stored_then_booked_once(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    world, secret = await generic_bar(database)
    client = await aiohttp_client(webhook_app(database))

    status, answer = await post(client, "downtown", secret, closed(1, lines=2))
    assert (status, answer) == (200, {"status": "accepted", "event_id": "evt-1"})
    await settled(database)
    assert await stored(database, state="done") == 1
    assert await books(world) == Books(1, 2, 1600, (("Tito's Vodka", -88_720),))


async def test_a_duplicate_is_acknowledged_and_books_nothing_more(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    world, secret = await generic_bar(database)
    client = await aiohttp_client(webhook_app(database))
    first = await post(client, "downtown", secret, closed(1))
    await settled(database)
    again = await post(client, "downtown", secret, closed(1))
    assert first == (200, {"status": "accepted", "event_id": "evt-1"})
    assert again == (200, {"status": "duplicate", "event_id": "evt-1"})
    await settled(database)
    assert await stored(database) == 1
    assert (await books(world)).lines == 1


async def test_twenty_concurrent_deliveries_book_once(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    world, secret = await generic_bar(database)
    client = await aiohttp_client(webhook_app(database))
    answers = await asyncio.gather(
        *(post(client, "downtown", secret, closed(7)) for _ in range(20))
    )
    assert {status for status, _ in answers} == {200}
    assert sorted(a["status"] for _, a in answers) == ["accepted"] + ["duplicate"] * 19
    await settled(database)
    assert await stored(database) == 1
    assert (await books(world)).lines == 1


async def test_a_new_version_books_only_new_lines_and_an_old_one_undoes_nothing(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    world, secret = await generic_bar(database)
    client = await aiohttp_client(webhook_app(database))
    assert (await post(client, "downtown", secret, closed(3, lines=2, version=2)))[0] == 200
    await settled(database)
    assert (await post(client, "downtown", secret, closed(3, lines=1, version=1)))[0] == 200
    assert (await post(client, "downtown", secret, closed(3, lines=3, version=3)))[0] == 200
    await settled(database)
    assert await stored(database, state="done") == 3
    result = await books(world)
    assert (result.receipts, result.lines, result.net_sales) == (1, 3, 2400)


async def test_an_event_stored_while_processing_is_off_is_booked_once_by_the_next_app(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    """The crash between store and process: acknowledged, then the process dies."""
    world, secret = await generic_bar(database)
    down = await aiohttp_client(webhook_app(database, worker=False))
    assert (await post(down, "downtown", secret, closed(5)))[0] == 200
    await down.close()
    assert await stored(database, state="pending") == 1
    assert (await books(world)).lines == 0

    await aiohttp_client(webhook_app(database))
    await settled(database)
    await aiohttp_client(webhook_app(database))  # a third one finds nothing left to do
    await asyncio.sleep(0.2)
    assert (await books(world)).lines == 1


async def test_metrics_count_received_rejected_and_processed(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    _, secret = await generic_bar(database)
    client = await aiohttp_client(webhook_app(database))
    await post(client, "downtown", secret, closed(1))
    body, headers = signed("whsec_wrong", closed(2))
    await client.post("/webhooks/generic/downtown", data=body, headers=headers)
    await settled(database)
    processed = 'barback_webhook_events_processed_total{outcome="done",provider="generic"} 1.0'
    text = ""
    for _ in range(600):  # counted just after the commit `settled` sees; a busy machine lags
        text = await (await client.get("/metrics")).text()
        if processed in text:
            break
        await asyncio.sleep(0.05)
    assert 'barback_webhook_events_received_total{provider="generic"} 1.0' in text
    assert (
        'barback_webhook_events_rejected_total{provider="generic",reason="signature_invalid"} 1.0'
        in text
    )
    assert 'barback_webhook_events_processed_total{outcome="done",provider="generic"} 1.0' in text
    assert "barback_inbox_lag_seconds 0.0" in text
