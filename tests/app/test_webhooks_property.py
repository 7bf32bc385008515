"""Any permutation and duplication of a stream of generic deliveries books the same (promise 3).

Each example gets a venue of its own in one database (dedupe keys and line keys are per venue),
posts its stream through the real route and lets the real worker book it, then compares the
sales and stock reports with the in-order delivery's.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.database import open_database
from storage.migrate import upgrade_database
from tests.app.webhook_world import Books, books, closed, generic_bar, post, settled, webhook_app

STREAM: list[dict[str, Any]] = [
    closed(1, lines=1, version=1),
    closed(1, lines=2, version=2),
    closed(2, lines=1, quantity="2"),
    closed(3, lines=3),
    closed(3, lines=1, version=2),  # the newest version decides: R-3 sells one line
    closed(4, lines=2, quantity="0.5"),
]
_venues = itertools.count(1)
_expected: dict[str, Books] = {}


async def deliver(url: str, stream: list[dict[str, Any]]) -> Books:
    database = await open_database(url)
    try:
        world, secret = await generic_bar(database, venue=f"v{next(_venues)}")
        client = TestClient(TestServer(webhook_app(database)))
        await client.start_server()
        try:
            for event in stream:
                assert (await post(client, world.venue, secret, event))[0] == 200
            await settled(database)
        finally:
            await client.close()
        return await books(world)
    finally:
        await database.close()


async def migrate(url: str) -> None:
    database = await open_database(url)
    try:
        await upgrade_database(database)
    finally:
        await database.close()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_order_and_duplication_books_the_same(database_url: str, data: st.DataObject) -> None:
    expected = _expected.get(database_url)
    if expected is None:  # once per database: the stream in order
        asyncio.run(migrate(database_url))
        expected = _expected[database_url] = asyncio.run(deliver(database_url, STREAM))
    assert (expected.receipts, expected.lines) == (4, 6)
    extra = data.draw(st.lists(st.sampled_from(STREAM), max_size=6), label="duplicates")
    order = data.draw(st.permutations(STREAM + extra), label="order")
    assert asyncio.run(deliver(database_url, order)) == expected
