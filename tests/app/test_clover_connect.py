"""Connecting Clover: the signed link, Clover's authorize page (the fake's), the callback, and
callbacks that are forged, replayed, or name a merchant the code was not for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func, select

from engine.connect_links import connect_link
from integrations.clover.oauth import encode_state, issue_state
from storage.connections import SqlConnections
from storage.database import Database
from storage.tables import pos_connections
from tests.app.test_webhooks_clover import clover_env
from tests.app.webhook_world import Client, webhook_app
from tests.engine.usecases_world import make_world
from tests.integrations.clover_world import KEY
from tests.integrations.fakes.clover import FakeClover
from tests.integrations.fakes.clover_orders import APP_ID, MERCHANT_ID

PUBLIC = "https://bar.example.com"


@pytest.fixture
async def clover() -> AsyncIterator[FakeClover]:
    async with FakeClover() as fake:
        yield fake


@pytest.fixture
async def client(database: Database, aiohttp_client: AiohttpClient, clover: FakeClover) -> Client:
    await make_world(database)
    env = {**clover_env(clover), "PUBLIC_URL": PUBLIC}
    return await aiohttp_client(webhook_app(database, env=env))


def link(venue: str = "downtown", *, at: datetime | None = None) -> str:
    url = connect_link(PUBLIC, "clover", venue, KEY, at or datetime.now(UTC))
    return url.removeprefix(PUBLIC)


async def consent(client: Client, clover: FakeClover) -> dict[str, str]:
    """Open the link, follow it to Clover's page, and return the callback's query Clover sends."""
    response = await client.get(link(), allow_redirects=False)
    assert response.status == 302
    authorize = response.headers["Location"]
    assert authorize.startswith(f"{clover.base_url}/oauth/v2/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == [APP_ID]
    assert query["redirect_uri"] == [f"{PUBLIC}/connect/clover/callback"]
    async with (
        aiohttp.ClientSession() as browser,
        browser.get(authorize, allow_redirects=False) as approved,
    ):
        assert approved.status == 302
        back = urlsplit(approved.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{PUBLIC}/connect/clover/callback"
    return {k: v[0] for k, v in parse_qs(back.query).items()}


async def connections_count(database: Database) -> int:
    async with database.engine.connect() as db:
        return int(await db.scalar(select(func.count()).select_from(pos_connections)) or 0)


async def test_connecting_binds_the_merchant_with_its_expiring_tokens_encrypted(
    client: Client, clover: FakeClover, database: Database
) -> None:
    callback = await consent(client, clover)
    assert callback["merchant_id"] == MERCHANT_ID
    response = await client.get("/connect/clover/callback", params=callback)
    assert response.status == 200
    assert f"The Fake Tap Room ({MERCHANT_ID})" in await response.text()
    connection = await SqlConnections(database.engine, Fernet(KEY)).get("clover", MERCHANT_ID)
    assert connection is not None and connection.refresh_token in clover.refresh_tokens
    merchant, expires = clover.access_tokens[connection.access_token]
    assert merchant == MERCHANT_ID and connection.expires_at == expires.replace(microsecond=0)
    async with database.engine.connect() as db:
        raw = (await db.execute(select(pos_connections.c.refresh_token))).scalar_one()
    assert connection.refresh_token not in raw  # encrypted at rest

    again = await client.get("/connect/clover/callback", params=callback)  # replayed
    assert again.status == 400 and "already used" in await again.text()


async def test_a_merchant_id_the_code_was_not_for_is_refused(
    client: Client, clover: FakeClover, database: Database
) -> None:
    callback = await consent(client, clover)
    response = await client.get(
        "/connect/clover/callback", params={**callback, "merchant_id": "SOMEONEELSE01"}
    )
    assert response.status == 400
    assert "not for merchant SOMEONEELSE01" in await response.text()
    assert await connections_count(database) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"client_id": "OTHERAPP00001"}, "another Clover app"),
        ({"merchant_id": "not an id"}, "no merchant id"),
        ({"code": ""}, "no authorization code"),
        ({"code": "fake-code-never-issued"}, "refused the authorization"),
        ({"error": "access_denied"}, "Clover said: access_denied"),
    ],
)
async def test_a_callback_clover_did_not_approve_is_refused(
    client: Client, clover: FakeClover, database: Database, change: dict[str, str], message: str
) -> None:
    callback = await consent(client, clover)
    response = await client.get("/connect/clover/callback", params={**callback, **change})
    assert response.status == 400
    assert message in await response.text()
    assert await connections_count(database) == 0


async def test_forged_or_expired_states_never_reach_clover(
    client: Client, clover: FakeClover
) -> None:
    key = KEY.encode("ascii")
    forged = encode_state(b"not-barbacks-key", issue_state(datetime.now(UTC)))
    expired = encode_state(key, issue_state(datetime.now(UTC) - timedelta(hours=1)))
    for state in (forged, expired, "garbage", "a.b.c"):
        params = {"code": clover.issue_code(), "merchant_id": MERCHANT_ID, "state": state}
        response = await client.get("/connect/clover/callback", params=params)
        assert response.status == 400
    assert clover.calls("/oauth/v2/token") == []


async def test_unsigned_links_and_unknown_venues_are_refused(client: Client) -> None:
    unsigned = await client.get("/connect/clover?venue=downtown", allow_redirects=False)
    assert unsigned.status == 403 and "connect clover" in await unsigned.text()
    stale = await client.get(link(at=datetime.now(UTC) - timedelta(minutes=31)))
    assert stale.status == 403 and "expired" in await stale.text()
    assert (await client.get(link("nowhere"))).status == 404


async def test_clover_unconfigured_has_no_connect_page(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    await make_world(database)
    client = await aiohttp_client(webhook_app(database))
    assert (await client.get(link(), allow_redirects=False)).status == 404
