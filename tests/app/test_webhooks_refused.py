"""Refused deliveries: the right status, a short reason, and nothing stored (webhooks.md 1, 5)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pytest_aiohttp import AiohttpClient

from integrations.generic.verify import HEADER
from storage.database import Database, open_database
from tests.app.test_web import closed_port
from tests.app.webhook_world import closed, generic_bar, signed, stored, webhook_app

URL = "/webhooks/generic/downtown"


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("wrong secret", 401, "signature_invalid"),
        ("no signature", 401, "signature_invalid"),
        ("stale timestamp", 401, "signature_invalid"),
        ("tampered body", 401, "signature_invalid"),
        ("not json", 400, "bad_payload"),
        ("wrong types", 400, "bad_payload"),
        ("no event id", 400, "bad_payload"),
        ("unknown venue", 404, "unknown_venue"),
        ("over 1 MiB", 413, "too_large"),
    ],
)
async def test_a_refused_delivery_stores_nothing(
    database: Database,
    aiohttp_client: AiohttpClient,
    caplog: pytest.LogCaptureFixture,
    case: str,
    status: int,
    code: str,
) -> None:
    _, secret = await generic_bar(database)
    client = await aiohttp_client(webhook_app(database))
    url = URL
    body, headers = signed(secret, closed(1))
    if case == "wrong secret":
        body, headers = signed("whsec_not_it", closed(1))
    elif case == "no signature":
        del headers[HEADER]
    elif case == "stale timestamp":
        body, headers = signed(secret, closed(1), age=301)
    elif case == "tampered body":
        body = body.replace(b"800", b"900")
    elif case == "not json":
        body, headers = signed(secret, b'{"event_id": "evt-1", ')
    elif case == "wrong types":
        event = closed(1)
        event["receipt"]["lines"][0]["quantity"] = 1.5
        body, headers = signed(secret, event)
    elif case == "no event id":
        event = closed(1)
        del event["event_id"]
        body, headers = signed(secret, event)
    elif case == "unknown venue":
        url = "/webhooks/generic/nowhere"
    elif case == "over 1 MiB":
        body, headers = signed(secret, b" " * (1024 * 1024) + json.dumps(closed(1)).encode())

    with caplog.at_level(logging.INFO):
        data = io.BytesIO(body) if len(body) > 1024 * 1024 else body
        response = await client.post(url, data=data, headers=headers)
    assert response.status == status
    answer = await response.json()
    assert answer["error"] == code and answer["reason"]
    assert await stored(database) == 0
    assert secret not in caplog.text
    metrics = await (await client.get("/metrics")).text()
    assert f'reason="{code}"' in metrics


async def test_the_database_down_is_503_so_the_pos_retries(aiohttp_client: AiohttpClient) -> None:
    database = await open_database(f"postgresql+asyncpg://barback@127.0.0.1:{closed_port()}/x")
    try:
        client = await aiohttp_client(webhook_app(database, worker=False))
        body, headers = signed("whsec_x", closed(1))
        response = await client.post(URL, data=body, headers=headers)
        assert response.status == 503
        assert (await response.json())["error"] == "unavailable"
    finally:
        await database.close()


async def test_the_writer_failing_is_503(database: Database, aiohttp_client: AiohttpClient) -> None:
    _, secret = await generic_bar(database)
    app = webhook_app(database, worker=False)
    client = await aiohttp_client(app)
    from app.webhooks import writer_key

    await app[writer_key].stop()
    body, headers = signed(secret, closed(1))
    response = await client.post(URL, data=body, headers=headers)
    assert response.status == 503
    assert await stored(database) == 0
