"""The fake Slack Web API answers the real slack_sdk client as Slack does (slack-platform.md §7)."""

from __future__ import annotations

import json
import warnings

import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.slack import BOT_ID, BOT_USER_ID, TEAM_ID, FakeSlack

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def test_auth_test_records_the_bearer_token(slack: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.auth_test()
    assert (response["team_id"], response["user_id"], response["bot_id"]) == (
        TEAM_ID,
        BOT_USER_ID,
        BOT_ID,
    )
    assert "chat:write" in response.headers["x-oauth-scopes"]
    [call] = slack.calls_to("auth.test")
    assert call.headers["authorization"] == f"Bearer {slack.token}"
    assert call.token == slack.token


async def test_a_wrong_or_missing_token_is_refused(slack: FakeSlack) -> None:
    for token, error in (("xoxb-wrong", "invalid_auth"), (None, "not_authed")):
        client = AsyncWebClient(token=token, base_url=slack.api_url)
        with pytest.raises(SlackApiError) as raised:
            await client.auth_test()
        assert raised.value.response["error"] == error


async def test_post_message_update_and_thread(slack: FakeSlack, client: AsyncWebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*low*"}}]
    first = await client.chat_postMessage(channel="C0ALERTS", text="low: Tito's", blocks=blocks)
    reply = await client.chat_postMessage(channel="C0ALERTS", text="again", thread_ts=first["ts"])
    assert float(reply["ts"]) > float(first["ts"])
    assert reply["message"]["thread_ts"] == first["ts"]
    assert slack.messages["C0ALERTS"][0]["blocks"] == blocks  # arrived as JSON, not a string

    await client.chat_update(channel="C0ALERTS", ts=first["ts"], text="resolved")
    assert slack.messages["C0ALERTS"][0]["text"] == "resolved"
    with pytest.raises(SlackApiError, match="message_not_found"):
        await client.chat_update(channel="C0ALERTS", ts="1.000000", text="x")


async def test_post_message_validates_like_slack(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_channel("C0PRIVATE", "office", private=True, member=False)
    cases = [
        ({"channel": "C0BAR"}, "no_text"),
        ({"channel": "C0PRIVATE", "text": "x"}, "not_in_channel"),
        ({"channel": "C0BAR", "text": "x", "blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
    ]
    for kwargs, error in cases:
        with pytest.raises(SlackApiError) as raised, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # slack_sdk's own "text is missing"
            await client.chat_postMessage(**kwargs)  # type: ignore[arg-type]
        assert raised.value.response["error"] == error


async def test_ephemeral(slack: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.chat_postEphemeral(channel="C0BAR", user="U0SAM", text="only you")
    assert response["message_ts"]
    assert slack.ephemerals[0]["user"] == "U0SAM"


async def test_views_open_publish_update(slack: FakeSlack, client: AsyncWebClient) -> None:
    modal = {
        "type": "modal",
        "callback_id": "barback_map",
        "title": {"type": "plain_text", "text": "Map"},
        "blocks": [{"type": "divider"}],
    }
    opened = await client.views_open(trigger_id="1.2.3", view=modal)
    assert opened["view"]["id"].startswith("V")
    assert slack.modals[0]["callback_id"] == "barback_map"
    with pytest.raises(SlackApiError, match="invalid_trigger_id"):
        await client.views_open(trigger_id="", view=modal)

    home = {"type": "home", "blocks": [{"type": "divider"}]}
    published = await client.views_publish(user_id="U0SAM", view=home)
    assert slack.home["U0SAM"]["id"] == published["view"]["id"]
    with pytest.raises(SlackApiError, match="hash_conflict"):
        await client.views_publish(user_id="U0SAM", view=home, hash="stale")
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        await client.views_publish(
            user_id="U0SAM", view={**home, "blocks": [home["blocks"][0]] * 101}
        )

    two = [{"type": "divider"}, {"type": "divider"}]
    updated = await client.views_update(view_id=opened["view"]["id"], view={**modal, "blocks": two})
    assert updated["view"]["blocks"] == two
    with pytest.raises(SlackApiError, match="invalid_arguments"):  # a view has 1 to 100 blocks
        await client.views_update(view_id=opened["view"]["id"], view={**modal, "blocks": []})


async def test_files_upload_v2_end_to_end(slack: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.files_upload_v2(
        content=PNG,
        filename="sales-2026-11-21.png",
        title="Sales",
        channel="C0BAR",
        initial_comment="Yesterday: $123.50",
    )
    file_id = response["file"]["id"]
    upload = slack.uploads[file_id]
    assert upload.data == PNG and upload.length == len(PNG)
    assert (upload.channel_id, upload.initial_comment, upload.completed) == (
        "C0BAR",
        "Yesterday: $123.50",
        True,
    )
    methods = [call.method for call in slack.calls]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert "authorization" not in slack.calls_to("upload")[0].headers


async def test_a_failed_upload_raises(slack: FakeSlack) -> None:
    client = AsyncWebClient(token=slack.token, base_url=slack.api_url)  # no retry handlers
    slack.server_error("upload")
    with pytest.raises(SlackRequestError, match="Failed to upload"):
        await client.files_upload_v2(content=PNG, filename="x.png", channel="C0BAR")
    assert not slack.calls_to("files.completeUploadExternal")


async def test_conversations_and_users(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_channel("C0ALERTS", "bar-alerts")
    slack.add_user("U0SAM", "sam", admin=True)
    listed = await client.conversations_list(types="public_channel")
    assert [c["name"] for c in listed["channels"]] == ["bar-alerts"]
    info = await client.conversations_info(channel="C0ALERTS")
    assert info["channel"]["name"] == "bar-alerts"
    user = await client.users_info(user="U0SAM")
    assert user["user"]["is_admin"] is True
    with pytest.raises(SlackApiError, match="user_not_found"):
        await client.users_info(user="U0NOBODY")


async def test_planned_failures(slack: FakeSlack) -> None:
    client = AsyncWebClient(token=slack.token, base_url=slack.api_url)  # no retry handlers
    slack.rate_limit("chat.postMessage", retry_after=7)
    slack.fail("chat.postMessage", "is_archived")
    slack.server_error("chat.postMessage")
    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel="C0BAR", text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    with pytest.raises(SlackApiError, match="is_archived"):
        await client.chat_postMessage(channel="C0BAR", text="x")
    with pytest.raises(SlackApiError) as broken:
        await client.chat_postMessage(channel="C0BAR", text="x")
    assert broken.value.response.status_code == 500
    assert (await client.chat_postMessage(channel="C0BAR", text="x"))["ok"]
    assert len(slack.calls_to("chat.postMessage")) == 4


async def test_response_urls_record_posts_up_to_five(slack: FakeSlack) -> None:
    url = slack.response_url()
    webhook = AsyncWebhookClient(url)
    statuses = [
        (await webhook.send(text=f"answer {n}", response_type="ephemeral")).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [404]
    assert [body["text"] for body in slack.responses_to(url)] == [f"answer {n}" for n in range(5)]
    assert slack.responses_to(slack.response_url("actions")) == []


async def test_form_encoded_blocks_arrive_as_json_strings(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    blocks = [{"type": "divider"}]
    await client.api_call(
        "chat.postMessage", data={"channel": "C0BAR", "text": "x", "blocks": json.dumps(blocks)}
    )
    assert slack.messages["C0BAR"][0]["blocks"] == blocks
