"""The real app with Slack on, talking to a fake Slack, driven by requests signed as Slack signs.

A bar (Tito's, Milagro, Cointreau; `Tito's Shot` and `Margarita` mapped) with one night of sales,
and one sale of `Tito's Soda`, which nothing maps yet. The app's clock is the world's.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from app.clock import SystemClock
from app.config import Settings
from app.web import create_app
from bot.slack.signing import signed_headers
from engine.usecases.ingest import ingest_receipt
from storage.database import Database
from tests.engine.usecases_world import T0, World, bar, line, make_world, receipt
from tests.fakes.slack import FakeSlack, interactive_body, slash_command_body

Client = TestClient[web.Request, web.Application]
Json = dict[str, Any]

SECRET = "slack-signing-secret-for-tests"
ADMIN, MANAGER, STAFF = "U0ADMIN", "U0MANAGER", "U0STAFF"
CHANNEL = "C0BAR"
SLACK_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_SCOPES",
    "SLACK_REDIRECT_URI",
)


@dataclass
class SlackWorld:
    world: World
    slack: FakeSlack
    client: Client

    async def post(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str, Mapping[str, str]]:
        signed = signed_headers(secret, body, timestamp=timestamp, content_type=content_type)
        response = await self.client.post(
            "/slack/events", data=body.encode(), headers={**signed, **(headers or {})}
        )
        return response.status, await response.text(), response.headers

    async def command(
        self, text: str, *, user: str = ADMIN, channel: str = CHANNEL, team: str | None = None
    ) -> str:
        """Send `/barback text`; the response_url its answer goes to."""
        url = self.slack.response_url()
        extra = {"team_id": team} if team else {}
        body = slash_command_body(text, response_url=url, user_id=user, channel_id=channel, **extra)
        status, text_, _ = await self.post(body)
        assert status == 200, text_
        return url

    async def ask(self, text: str, **kwargs: Any) -> Json:
        """`/barback text`, and the answer posted to its response_url."""
        url = await self.command(text, **kwargs)
        return (await self.slack.wait_for_response(url))[-1]

    async def interact(self, payload: Mapping[str, Any]) -> tuple[int, str]:
        status, text, _ = await self.post(interactive_body(payload))
        return status, text


def text_of(message: Json) -> str:
    """The fallback text and every block's text, to search in."""
    return message.get("text", "") + "\n" + json.dumps(message.get("blocks", []))


def slack_settings(slack: FakeSlack, **env: str) -> Settings:
    return Settings.from_env(
        {
            "DATABASE_URL": "sqlite+aiosqlite:///:memory:",
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            **env,
        }
    )


async def sold_tonight(world: World) -> None:
    """Two Tito's Shots and a Margarita at 18:00, and a `Tito's Soda` no recipe maps."""
    uow, clock = world.db.unit_of_work, world.clock
    night = receipt(
        "r1",
        T0,
        line("l1", "sq-titos", "Tito's Shot", "2", 1600),
        line("l2", "sq-marg", "Margarita", "1", 1200),
        line("l3", "sq-soda", "Tito's Soda", "1", 900),
    )
    await ingest_receipt(uow, clock, world.venue, night)
    clock.advance(minutes=5)


@pytest.fixture(name="no_slack_environment")
def no_slack_environment_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """SLACK_CLIENT_ID/SECRET in the environment would switch AsyncApp to OAuth (§1.1)."""
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name="slack")
async def slack_fixture() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_channel(CHANNEL, "bar")
        fake.add_user(ADMIN, "alex", admin=True)
        fake.add_user(MANAGER, "mo")
        fake.add_user(STAFF, "sam")
        yield fake


@pytest.fixture(name="bar_world")
async def bar_world_fixture(database: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    world = await bar(await make_world(database))
    await sold_tonight(world)
    monkeypatch.setattr(SystemClock, "now", lambda self: world.clock.now())
    return world


@pytest.fixture(name="sw")
async def sw_fixture(
    no_slack_environment: None,
    bar_world: World,
    slack: FakeSlack,
    aiohttp_client: AiohttpClient,
) -> SlackWorld:
    client = await aiohttp_client(create_app(slack_settings(slack), database=bar_world.db))
    return SlackWorld(bar_world, slack, client)


def now() -> int:
    return int(time.time())
