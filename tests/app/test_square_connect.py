"""Connecting Square: the signed link, the consent redirect, the callback, forged and replayed
states."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func, select

from engine.connect_links import connect_link, connect_token
from integrations.square.oauth import issue_state
from storage.connections import SqlConnections
from storage.database import Database
from storage.tables import oauth_states, pos_connections
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


def link(venue: str = "downtown", *, key: str = KEY, at: datetime | None = None) -> str:
    """The path of the link `connect square` answers (what the manager opens)."""
    url = connect_link("https://bar.example.com", "square", venue, key, at or datetime.now(UTC))
    return url.removeprefix("https://bar.example.com")


async def start(client: Client, venue: str = "downtown") -> str:
    response = await client.get(link(venue), allow_redirects=False)
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
    assert (await client.get(link("nowhere"))).status == 404
    state = await start(client)
    params = {"code": "sq0cgp-never-issued", "state": state}
    response = await client.get("/connect/square/callback", params=params)
    assert response.status == 400


async def refused(client: Client, path: str) -> str:
    response = await client.get(path, allow_redirects=False)
    assert response.status == 403
    assert response.content_type == "text/html"
    return await response.text()


async def test_a_link_without_a_token_is_refused(
    client: Client, square: FakeSquare, database: Database
) -> None:
    text = await refused(client, "/connect/square?venue=downtown")
    assert "not signed" in text and "connect square" in text
    assert await oauth_states_count(database) == 0


async def test_a_forged_or_tampered_token_is_refused(client: Client, database: Database) -> None:
    now = datetime.now(UTC)
    forged = connect_token("not-barbacks-key", "square", "downtown", now)
    good = connect_token(KEY, "square", "downtown", now)
    expires, _, mac = good.partition(".")
    later = f"{int(expires) + 86_400}.{mac}"  # the expiry pushed out: the MAC no longer fits
    for token in (forged, later, "garbage", f"{expires}.", "1" * 40 + ".x"):
        text = await refused(client, f"/connect/square?venue=downtown&token={token}")
        assert "not issued by barback" in text or "malformed" in text
    assert await oauth_states_count(database) == 0


async def test_an_expired_link_is_refused(client: Client) -> None:
    text = await refused(client, link(at=datetime.now(UTC) - timedelta(minutes=31)))
    assert "expired" in text


async def test_a_link_for_another_venue_or_pos_is_refused(client: Client) -> None:
    token = connect_token(KEY, "square", "uptown", datetime.now(UTC))
    text = await refused(client, f"/connect/square?venue=downtown&token={token}")
    assert "not issued by barback for downtown" in text
    toast = connect_token(KEY, "toast", "downtown", datetime.now(UTC))
    await refused(client, f"/connect/square?venue=downtown&token={toast}")


async def test_a_good_link_redirects_to_square(client: Client, database: Database) -> None:
    almost_expired = link(at=datetime.now(UTC) - timedelta(minutes=29))
    response = await client.get(almost_expired, allow_redirects=False)
    assert response.status == 302
    assert await oauth_states_count(database) == 1


async def oauth_states_count(database: Database) -> int:
    async with database.engine.connect() as db:
        return int(await db.scalar(select(func.count()).select_from(oauth_states)) or 0)
