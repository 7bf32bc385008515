"""`CloverTokens` against the fake Clover and a real database: refreshed before expiry, stored
encrypted, single-use refresh tokens never spent twice, and what happens when Clover says no."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from engine.connections import PosConnection
from integrations.api_calls import PosApi
from integrations.clover.client import CloverClient
from integrations.clover.tokens import CloverTokens
from integrations.errors import NotConnected, UpstreamUnavailable
from storage.connections import SqlConnections
from storage.database import Database
from storage.tables import pos_connections
from tests.engine.usecases_world import FakeClock, make_world
from tests.integrations.fakes.clover import FakeClover
from tests.integrations.fakes.clover_orders import APP_ID, MERCHANT_ID

KEY = Fernet.generate_key()
T = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T)


@pytest.fixture
async def clover(clock: FakeClock) -> AsyncIterator[FakeClover]:
    async with FakeClover(now=clock.now) as fake:
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


async def connected(
    database: Database, clover: FakeClover, *, lifetime: timedelta = timedelta(minutes=30)
) -> SqlConnections:
    world = await make_world(database)
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    connections = SqlConnections(database.engine, Fernet(KEY))
    access = clover.grant(lifetime=lifetime)
    await connections.save(
        PosConnection(
            venue.id, "clover", MERCHANT_ID, (), access, clover.issue_refresh(),
            clover.now() + lifetime,
        ),
        clover.now(),
    )  # fmt: skip
    return connections


def tokens_for(
    connections: SqlConnections,
    clover: FakeClover,
    session: aiohttp.ClientSession,
    clock: FakeClock,
) -> CloverTokens:
    client = CloverClient(PosApi(session, clover.base_url, "clover"), clover.base_url)
    return CloverTokens(connections, client, APP_ID, clock.now)


async def stored(connections: SqlConnections) -> PosConnection:
    connection = await connections.get("clover", MERCHANT_ID)
    assert connection is not None
    return connection


async def test_a_token_is_refreshed_before_it_expires_and_stored_encrypted(
    database: Database, clover: FakeClover, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    connections = await connected(database, clover)
    tokens = tokens_for(connections, clover, session, clock)
    first = (await stored(connections)).access_token
    assert await tokens.access_token("clover", MERCHANT_ID) == first
    assert clover.calls("/oauth/v2/refresh") == []

    clock.advance(minutes=21)  # 9 minutes left: inside the margin
    fresh = await tokens.access_token("clover", MERCHANT_ID)
    assert fresh != first and clover.access_tokens[fresh][1] == clock.now() + timedelta(minutes=30)
    connection = await stored(connections)
    assert connection.access_token == fresh
    assert connection.expires_at == clock.now() + timedelta(minutes=30)
    async with database.engine.connect() as db:
        raw = (await db.execute(select(pos_connections.c.access_token))).scalar_one()
    assert fresh not in raw
    assert await tokens.access_token("clover", MERCHANT_ID) == fresh  # no second refresh
    assert len(clover.calls("/oauth/v2/refresh")) == 1


async def test_concurrent_readers_in_one_process_refresh_once(
    database: Database, clover: FakeClover, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    connections = await connected(database, clover, lifetime=timedelta(minutes=5))
    tokens = tokens_for(connections, clover, session, clock)
    clover.stall(1, 0.2)  # the refresh takes a while: the others wait for it
    got = await asyncio.gather(*(tokens.access_token("clover", MERCHANT_ID) for _ in range(5)))
    assert len(set(got)) == 1
    assert len(clover.calls("/oauth/v2/refresh")) == 1


async def test_two_processes_racing_never_lose_the_connection(
    database: Database, clover: FakeClover, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    connections = await connected(database, clover, lifetime=timedelta(minutes=5))
    one = tokens_for(connections, clover, session, clock)
    other = tokens_for(SqlConnections(database.engine, Fernet(KEY)), clover, session, clock)
    clover.stall(1, 0.3)  # the first refresh to arrive is answered last
    slow = asyncio.create_task(one.access_token("clover", MERCHANT_ID))
    while not clover.calls("/oauth/v2/refresh"):
        await asyncio.sleep(0.01)
    fast = await other.access_token("clover", MERCHANT_ID)
    late = await slow  # its refresh token was spent by the other: it uses what it finds
    assert len(clover.spent_refresh_tokens) == 1
    for token in (fast, late):
        merchant, expires = clover.access_tokens[token]
        assert merchant == MERCHANT_ID and expires > clock.now()
    assert (await stored(connections)).access_token == fast


async def test_clover_down_uses_the_token_while_it_lives(
    database: Database, clover: FakeClover, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    connections = await connected(database, clover, lifetime=timedelta(minutes=5))
    tokens = tokens_for(connections, clover, session, clock)
    old = (await stored(connections)).access_token
    clover.outage(1)
    assert await tokens.access_token("clover", MERCHANT_ID) == old
    clock.advance(minutes=6)
    clover.outage(1)
    with pytest.raises(UpstreamUnavailable):
        await tokens.access_token("clover", MERCHANT_ID)


async def test_a_refused_refresh_of_an_expired_token_says_reconnect(
    database: Database, clover: FakeClover, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    connections = await connected(database, clover, lifetime=timedelta(minutes=5))
    clover.refresh_tokens.clear()  # the merchant uninstalled the app
    tokens = tokens_for(connections, clover, session, clock)
    old = (await stored(connections)).access_token
    assert await tokens.access_token("clover", MERCHANT_ID) == old  # still alive: used
    clock.advance(minutes=6)
    with pytest.raises(NotConnected, match="run connect clover again"):
        await tokens.access_token("clover", MERCHANT_ID)
    with pytest.raises(NotConnected, match="not connected"):
        await tokens.access_token("clover", "NOSUCHMERCHNT")
