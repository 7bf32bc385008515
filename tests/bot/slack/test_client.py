"""The Web API client: base URL from settings, retries on 429 and 5xx (slack-platform.md §4.4)."""

from __future__ import annotations

import time

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.client import SLACK_API_URL, build_web_client, web_api_base_url
from tests.fakes.slack import FakeSlack


def test_base_url_defaults_to_slack_and_gets_its_slash() -> None:
    assert web_api_base_url(None) == SLACK_API_URL == "https://slack.com/api/"
    assert web_api_base_url("http://127.0.0.1:9/api") == "http://127.0.0.1:9/api/"
    assert web_api_base_url("http://127.0.0.1:9/api/") == "http://127.0.0.1:9/api/"


def test_the_client_carries_all_three_retry_handlers() -> None:
    client = build_web_client("xoxb-x", api_url="http://127.0.0.1:9/api")
    kinds = {type(handler) for handler in client.retry_handlers}
    assert kinds == {
        AsyncConnectionErrorRetryHandler,
        AsyncRateLimitErrorRetryHandler,
        AsyncServerErrorRetryHandler,
    }
    assert client.base_url == "http://127.0.0.1:9/api/"


async def test_a_429_with_retry_after_is_waited_out_and_retried(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.rate_limit("chat.postMessage", retry_after=1)
    started = time.monotonic()
    response = await client.chat_postMessage(channel="C0BAR", text="Tito's is low")
    assert response["ok"]
    assert time.monotonic() - started >= 1.0  # Retry-After honoured, not hammered
    assert len(slack.calls_to("chat.postMessage")) == 2
    assert len(slack.messages["C0BAR"]) == 1


async def test_a_500_is_retried(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.server_error("views.publish")
    response = await client.views_publish(
        user_id="U0SAM", view={"type": "home", "blocks": [{"type": "divider"}]}
    )
    assert response["ok"]
    assert len(slack.calls_to("views.publish")) == 2
