"""A running fake Slack and a real `AsyncWebClient` pointed at it, per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.client import build_web_client
from tests.fakes.slack import FakeSlack

SIGNING_SECRET = "test-signing-secret"


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """SLACK_CLIENT_ID/SECRET in the environment would switch AsyncApp to OAuth (§1.1)."""
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_SCOPES",
        "SLACK_INSTALLATION_FILE_BASE_DIR",
        "SLACK_STATE_FILE_BASE_DIR",
        "SLACK_REDIRECT_URI",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def client(slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    web_client = build_web_client(slack.token, api_url=slack.api_url)
    yield web_client
    if web_client.session is not None:
        await web_client.session.close()
