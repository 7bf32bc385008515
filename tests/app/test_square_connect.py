"""Connecting Square: the consent redirect, the callback, forged and replayed states."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient
from sqlalchemy import select

from integrations.square.oauth import issue_state
from storage.connections import SqlConnections
from storage.database import Database
from storage.tables import pos_connections
from tests.app.test_webhooks_square import KEY, square_env
from tests.app.webhook_world import Client, webhook_app
from tests.engine.usecases_world import make_world
from tests.integrations.fakes.square import LOCATION_ID, MERCHANT_ID, FakeSquare


@pytest.fixture
async def square() -> AsyncIterator[FakeSquare]:
    async with FakeSquare() as fake:
        yield fake


@pytest.fixture
async def client(database: Database, aiohttp_client: AiohttpClient, square: FakeSquare) -> Client:
    await make_world(database)
    env = {**square_env(square), "PUBLIC_URL": "https://bar.example.com"}
    return await aiohttp_client(webhook_app(database, env=env))


async def start(client: Client, venue: str = "downtown") -> str:
    response = await client.get(f"/connect/square?venue={venue}", allow_redirects=False)
    assert response.status == 302
    location = response.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["redirect_uri"] == ["https://bar.example.com/connect/square/callback"]
    assert query["session"] == ["false"]
    return query["state"][0]


async def test_connecting_binds_the_merchant_and_stores_tokens_encrypted(
    client: Client, square: FakeSquare, database: Database
) -> None:
    state = await start(client)
    code = square.issue_code()
    response = await client.get("/connect/square/callback", params={"code": code, "state": state})
    assert response.status == 200
    assert "Square connected" in await response.text()

    connection = await SqlConnections(database.engine, Fernet(KEY)).get("square", MERCHANT_ID)
    assert connection is not None
    assert connection.location_ids == (LOCATION_ID,)
    assert square.access_tokens[connection.access_token] == MERCHANT_ID
    async with database.engine.connect() as db:
        raw = (await db.execute(select(pos_connections.c.access_token))).scalar_one()
    assert connection.access_token not in raw  # encrypted at rest


async def test_a_replayed_callback_is_refused(client: Client, square: FakeSquare) -> None:
    state = await start(client)
    params = {"code": square.issue_code(), "state": state}
    assert (await client.get("/connect/square/callback", params=params)).status == 200
    again = await client.get("/connect/square/callback", params=params)
    assert again.status == 400
    assert "already used" in await again.text()


async def test_a_forged_or_expired_state_is_refused(client: Client, square: FakeSquare) -> None:
    forged = issue_state(b"not-barbacks-key", "downtown", datetime.now(UTC))
    expired = issue_state(KEY, "downtown", datetime.now(UTC) - timedelta(hours=1))
    for state in (forged, expired, "garbage"):
        params = {"code": square.issue_code(), "state": state}
        response = await client.get("/connect/square/callback", params=params)
        assert response.status == 400
    assert square.calls("/oauth2/token") == []


async def test_an_unknown_venue_and_a_refused_code(client: Client, square: FakeSquare) -> None:
    assert (await client.get("/connect/square?venue=nowhere")).status == 404
    state = await start(client)
    params = {"code": "sq0cgp-never-issued", "state": state}
    response = await client.get("/connect/square/callback", params=params)
    assert response.status == 400
