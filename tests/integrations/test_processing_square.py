"""`SquareTokens`: a token near its expiry is refreshed (and stored); Square down keeps the old."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from cryptography.fernet import Fernet

from engine.connections import PosConnection
from integrations.errors import NotConnected
from integrations.square.client import SquareClient
from integrations.square.tokens import SquareTokens
from storage.connections import SqlConnections
from storage.database import Database
from tests.engine.usecases_world import make_world
from tests.integrations.fakes.square import LOCATION_ID, MERCHANT_ID, FakeSquare

KEY = Fernet.generate_key()
NOW = datetime.now(UTC)


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare() as fake:
        yield fake


async def connect(database: Database, square: FakeSquare, expires_in: timedelta) -> SqlConnections:
    await make_world(database)
    connections = SqlConnections(database.engine, Fernet(KEY))
    refresh = "EQAAfake-refresh"
    square.refresh_tokens[refresh] = MERCHANT_ID
    await connections.save(
        PosConnection(
            1, "square", MERCHANT_ID, (LOCATION_ID,), "EAAAold", refresh, NOW + expires_in
        ),
        NOW,
    )
    return connections


async def test_a_token_near_expiry_is_refreshed_and_stored(
    database: Database, square: FakeSquare
) -> None:
    connections = await connect(database, square, timedelta(days=10))
    async with aiohttp.ClientSession() as session:
        client = SquareClient(session, square.base_url)
        tokens = SquareTokens(
            connections, client, square.client_id, square.client_secret, lambda: NOW
        )
        token = await tokens.access_token("square", MERCHANT_ID)
        assert token != "EAAAold" and square.access_tokens[token] == MERCHANT_ID
        stored = await connections.get("square", MERCHANT_ID)
        assert stored is not None and stored.access_token == token
        assert stored.expires_at is not None and stored.expires_at > NOW + timedelta(days=29)
        # Fresh now: no second refresh.
        assert await tokens.access_token("square", MERCHANT_ID) == token
    assert len(square.calls("/oauth2/token")) == 1


async def test_square_down_keeps_a_still_valid_token(
    database: Database, square: FakeSquare
) -> None:
    connections = await connect(database, square, timedelta(days=10))
    square.outage(1)
    async with aiohttp.ClientSession() as session:
        client = SquareClient(session, square.base_url)
        tokens = SquareTokens(
            connections, client, square.client_id, square.client_secret, lambda: NOW
        )
        assert await tokens.access_token("square", MERCHANT_ID) == "EAAAold"
        with pytest.raises(NotConnected):
            await tokens.access_token("square", "MLUNKNOWN")
