"""Multi-workspace Slack: install by OAuth into our database, then commands from that workspace.

The fake Slack learns `oauth.v2.access` here; the installation lands in `slack_installations` and
`slack_bots` (slack_sdk's SQLAlchemy store on our engine), the state in `slack_oauth_states`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func, select

from app.config import Settings
from app.web import create_app
from engine.usecases import reports
from storage.tables import slack_bots, slack_installations, slack_oauth_states, venue_settings
from tests.app.slack_world import (  # noqa: F401 (fixtures)
    ADMIN,
    SECRET,
    SlackWorld,
    bar_world_fixture,
    no_slack_environment_fixture,
    text_of,
)
from tests.engine.usecases_world import World
from tests.fakes.slack import (
    APP_ID,
    BOT_USER_ID,
    TEAM_ID,
    FakeSlack,
    Json,
    app_uninstalled_body,
    tokens_revoked_body,
)

CLIENT_ID = "1234.5678"

# slack_sdk 3.47 sends the client credentials of oauth.v2.access with aiohttp's BasicAuth, which
# aiohttp 3.14 deprecates (a warning in production; an error under this suite's filterwarnings).
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@dataclass(slots=True)
class OAuthFakeSlack(FakeSlack):
    """FakeSlack that also answers `oauth.v2.access` (bolt's mock server's response shape)."""

    def _handlers(self) -> dict[str, Callable[[Json], Json]]:
        return {**FakeSlack._handlers(self), "oauth.v2.access": self._oauth_access}

    def _authorize(self, call: object) -> None:
        if getattr(call, "method", "") != "oauth.v2.access":
            FakeSlack._authorize(self, call)  # type: ignore[arg-type]

    def _oauth_access(self, params: Json) -> Json:
        assert params.get("code") == "the-code"
        return {
            "access_token": self.token,
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": BOT_USER_ID,
            "app_id": APP_ID,
            "team": {"id": TEAM_ID, "name": "Fake"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": ADMIN, "scope": "", "access_token": None, "token_type": None},
        }


@pytest.fixture
async def oauth_world(
    no_slack_environment: None, bar_world: World, aiohttp_client: AiohttpClient
) -> SlackWorld:
    async with OAuthFakeSlack() as slack:
        slack.add_channel("C0BAR", "bar")
        slack.add_user(ADMIN, "alex", admin=True)
        settings = Settings.from_env(
            {
                "DATABASE_URL": "sqlite+aiosqlite:///:memory:",
                "SLACK_CLIENT_ID": CLIENT_ID,
                "SLACK_CLIENT_SECRET": "client-secret",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": slack.api_url,
                "PUBLIC_URL": "https://barback.example",
            }
        )
        client = await aiohttp_client(create_app(settings, database=bar_world.db))
        yield SlackWorld(bar_world, slack, client)


async def count(world: SlackWorld, table: object) -> int:
    async with world.world.db.engine.connect() as db:
        return int(await db.scalar(select(func.count()).select_from(table)))  # type: ignore[arg-type]


async def install(sw: SlackWorld) -> None:
    page = await sw.client.get("/slack/install")
    state = re.search(r"state=([A-Za-z0-9_-]+)", await page.text())
    assert state is not None
    done = await sw.client.get(
        "/slack/oauth_redirect",
        params={"code": "the-code", "state": state.group(1)},
        headers={"Cookie": f"slack-app-oauth-state={state.group(1)}"},
    )
    assert done.status == 200, await done.text()


async def test_install_then_use_the_workspace(oauth_world: SlackWorld) -> None:
    sw = oauth_world
    page = await sw.client.get("/slack/install")
    assert page.status == 200
    html = await page.text()
    state = re.search(r"state=([A-Za-z0-9_-]+)", html)
    assert state is not None, html
    assert await count(sw, slack_oauth_states) == 1
    assert "redirect_uri=https://barback.example/slack/oauth_redirect" in html

    done = await sw.client.get(
        "/slack/oauth_redirect",
        params={"code": "the-code", "state": state.group(1)},
        headers={"Cookie": f"slack-app-oauth-state={state.group(1)}"},
    )
    assert done.status == 200, await done.text()
    assert await count(sw, slack_installations) == 1
    assert await count(sw, slack_bots) == 1

    # The workspace has no venue yet: `use` claims one for it.
    unclaimed = await sw.ask("stock", user=ADMIN)
    assert unclaimed["text"].startswith(":warning: no venue is set up for this workspace")
    assert "now uses Downtown" in (await sw.ask("use downtown", user=ADMIN))["text"]
    async with sw.world.db.engine.connect() as db:
        assert await db.scalar(select(venue_settings.c.slack_team_id)) == TEAM_ID
    assert "Tito" in text_of(await sw.ask("stock tito", user=ADMIN, channel="C0OTHER"))


async def test_a_callback_with_a_forged_state_installs_nothing(oauth_world: SlackWorld) -> None:
    done = await oauth_world.client.get(
        "/slack/oauth_redirect",
        params={"code": "the-code", "state": "forged"},
        headers={"Cookie": "slack-app-oauth-state=forged"},
    )
    assert done.status == 401
    assert await count(oauth_world, slack_installations) == 0


async def test_a_workspace_not_installed_is_not_served(oauth_world: SlackWorld) -> None:
    answer = await oauth_world.ask("count tito 3", user=ADMIN)
    assert "reinstall this app" in answer["text"]
    history = await reports.history(oauth_world.world.db.unit_of_work, "downtown", 1)
    assert all(entry.action != "count" for entry in history.entries)


async def test_requests_use_the_bot_token_and_the_cached_auth_test(oauth_world: SlackWorld) -> None:
    sw = oauth_world
    await install(sw)
    sw.slack.calls.clear()
    await sw.ask("use downtown", user=ADMIN)
    for _ in range(3):
        await sw.ask("stock tito", user=ADMIN)
    # One auth.test for the workspace's bot token, then Bolt's cache (keyed by the token).
    [auth_test] = sw.slack.calls_to("auth.test")
    assert auth_test.token == sw.slack.token


@pytest.mark.parametrize("event", ["app_uninstalled", "tokens_revoked"])
async def test_an_uninstalled_or_revoked_workspace_is_forgotten(
    oauth_world: SlackWorld, event: str, caplog: pytest.LogCaptureFixture
) -> None:
    sw = oauth_world
    await install(sw)
    assert "now uses Downtown" in (await sw.ask("use downtown", user=ADMIN))["text"]
    body = app_uninstalled_body() if event == "app_uninstalled" else tokens_revoked_body()
    status, text, _ = await sw.post(body, content_type="application/json")
    assert (status, text) == (200, "")
    # Events are acknowledged first and handled after: wait for the bot's row to go.
    deadline = asyncio.get_running_loop().time() + 10
    while await count(sw, slack_bots) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    assert await count(sw, slack_bots) == 0  # nothing may use the dead token any more
    if event == "app_uninstalled":
        assert await count(sw, slack_installations) == 0
    assert "reinstall this app" in (await sw.ask("stock", user=ADMIN))["text"]
    async with sw.world.db.engine.connect() as db:  # the venue stays the workspace's
        assert await db.scalar(select(venue_settings.c.slack_team_id)) == TEAM_ID
    assert any(
        TEAM_ID in r.getMessage() and r.name == "bot.slack.uninstall" for r in caplog.records
    )

    await install(sw)  # a reinstall: a new bot row, served at once
    assert "Tito" in text_of(await sw.ask("stock tito", user=ADMIN))
