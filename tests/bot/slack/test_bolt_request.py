"""Bolt mounted on our aiohttp app, driven by signed requests as Slack sends them.

Includes the form-parser workaround (slack-platform.md §3.2): command text containing "payload".
Listeners here are stand-ins for the lead's wiring to `session.run`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.commands import commands as c
from bot.commands.grammar import parse
from bot.slack.blocks import COMMAND_ACTION_ID
from bot.slack.bolt_request import SafeAsyncBoltRequest, mount
from bot.slack.client import build_web_client
from bot.slack.modals import (
    MAP_CALLBACK_ID,
    PRODUCT_ACTION_ID,
    MappingTarget,
    mapping_modal,
    mapping_submission,
    product_options,
)
from bot.slack.signing import signed_headers
from tests.bot.slack.conftest import SIGNING_SECRET
from tests.fakes.slack import (
    FakeSlack,
    app_home_opened_body,
    block_actions_payload,
    block_suggestion_payload,
    interactive_body,
    slash_command_body,
    view_submission_payload,
)

PAYLOAD_COMMAND = 'map "payload drink" = 1.5 oz tito'
AiohttpClient = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


def bolt_app(slack: FakeSlack) -> AsyncApp:
    return AsyncApp(
        client=build_web_client(slack.token, api_url=slack.api_url),
        signing_secret=SIGNING_SECRET,
    )


async def served(bolt: AsyncApp, aiohttp_client: AiohttpClient) -> TestClient[Any, Any]:
    app = web.Application()
    mount(app, bolt)
    return await aiohttp_client(app)


async def post(
    http: TestClient[Any, Any], body: str, content_type: str = "application/x-www-form-urlencoded"
) -> ClientResponse:
    headers = signed_headers(SIGNING_SECRET, body, content_type=content_type)
    return await http.post("/slack/events", data=body.encode(), headers=headers)


def test_bolts_own_request_loses_the_command() -> None:
    """The bug this module works around; if Bolt fixes it, this fails and the fix can go."""
    body = slash_command_body(PAYLOAD_COMMAND, response_url="https://hooks.slack.com/x")
    headers: dict[str, str | Sequence[str]] = {
        "content-type": ["application/x-www-form-urlencoded"]
    }
    assert AsyncBoltRequest(body=body, headers=headers).body == {}
    safe = SafeAsyncBoltRequest(body=body, headers=headers)
    assert safe.body["text"] == PAYLOAD_COMMAND
    assert safe.context.user_id == "U0MANAGER" and safe.context.channel_id == "C0BAR"
    assert safe.to_copyable().body["text"] == PAYLOAD_COMMAND


async def test_a_command_mentioning_payload_reaches_its_listener(
    slack: FakeSlack, aiohttp_client: AiohttpClient
) -> None:
    bolt = bolt_app(slack)
    heard: list[str] = []

    async def on_command(ack: AsyncAck, command: dict[str, str], respond: AsyncRespond) -> None:
        await ack(f"Working on `{command['text']}`…")
        heard.append(command["text"])
        await respond(text=f"done: {command['text']}", replace_original=True)

    bolt.command("/barback")(on_command)
    http = await served(bolt, aiohttp_client)
    url = slack.response_url()
    response = await post(http, slash_command_body(PAYLOAD_COMMAND, response_url=url))
    assert response.status == 200
    assert await response.text() == f"Working on `{PAYLOAD_COMMAND}`…"  # ack("text"): plain
    [answer] = await slack.wait_for_response(url)
    assert answer["text"] == f"done: {PAYLOAD_COMMAND}"
    command = parse(heard[0])
    assert isinstance(command, c.Map) and command.pos_item == "payload drink"
    assert len(slack.calls_to("auth.test")) == 1


async def test_lazy_listeners_get_the_command_too(
    slack: FakeSlack, aiohttp_client: AiohttpClient
) -> None:
    bolt = bolt_app(slack)

    async def acknowledge(ack: AsyncAck) -> None:
        await ack()

    async def work(command: dict[str, str], respond: AsyncRespond) -> None:
        await respond(text=f"lazy: {command['text']}")

    bolt.command("/barback")(ack=acknowledge, lazy=[work])
    http = await served(bolt, aiohttp_client)
    url = slack.response_url()
    response = await post(http, slash_command_body(PAYLOAD_COMMAND, response_url=url))
    assert response.status == 200
    [answer] = await slack.wait_for_response(url)
    assert answer["text"] == f"lazy: {PAYLOAD_COMMAND}"


async def test_a_button_click_sends_its_command_text(
    slack: FakeSlack, aiohttp_client: AiohttpClient
) -> None:
    bolt = bolt_app(slack)

    async def on_click(ack: AsyncAck, action: dict[str, str], respond: AsyncRespond) -> None:
        await ack()
        await respond(text=f"ran {action['value']}", replace_original=True)

    bolt.action(COMMAND_ACTION_ID)(on_click)
    http = await served(bolt, aiohttp_client)
    url = slack.response_url("actions")
    payload = block_actions_payload("barback_cmd:0", 'stock "payload" tito', response_url=url)
    response = await post(http, interactive_body(payload))
    assert response.status == 200
    [answer] = await slack.wait_for_response(url)
    assert answer == {"text": 'ran stock "payload" tito', "replace_original": True}


async def test_the_mapping_modal_submission_and_product_search(
    slack: FakeSlack, aiohttp_client: AiohttpClient
) -> None:
    bolt = bolt_app(slack)
    commands: list[str] = []

    async def on_suggest(ack: AsyncAck, payload: dict[str, Any]) -> None:
        names = ["Tito's Vodka", "Tanqueray", "Kahlúa"]
        await ack(options=product_options([n for n in names if payload["value"] in n.lower()]))

    async def on_submit(ack: AsyncAck, view: dict[str, Any]) -> None:
        submission = mapping_submission(view)
        if submission.errors:
            await ack(response_action="errors", errors=dict(submission.errors))
            return
        await ack()
        assert submission.command is not None
        commands.append(submission.command)

    bolt.options(PRODUCT_ACTION_ID)(on_suggest)
    bolt.view(MAP_CALLBACK_ID)(on_submit)
    http = await served(bolt, aiohttp_client)

    suggestion = await post(
        http, interactive_body(block_suggestion_payload(PRODUCT_ACTION_ID, "product_1", "t"))
    )
    assert suggestion.status == 200
    assert [o["value"] for o in (await suggestion.json())["options"]] == [
        "Tito's Vodka",
        "Tanqueray",
    ]

    view = mapping_modal(MappingTarget("downtown", "SQ-1", "Payload Punch"))
    state = {
        "product_1": {PRODUCT_ACTION_ID: {"selected_option": {"value": "Tito's Vodka"}}},
        "quantity_1": {"quantity": {"value": "1.5 oz"}},
    }
    response = await post(http, interactive_body(view_submission_payload(view, state)))
    assert response.status == 200 and await response.text() == ""
    assert commands == ['map "Payload Punch" = 1.5 oz "Tito\'s Vodka"']

    state["quantity_1"] = {"quantity": {"value": "a splash"}}
    refused = await post(http, interactive_body(view_submission_payload(view, state)))
    errors = (await refused.json())["errors"]
    assert list(errors) == ["quantity_1"]


async def test_app_home_opened_publishes(slack: FakeSlack, aiohttp_client: AiohttpClient) -> None:
    bolt = bolt_app(slack)

    async def on_home(event: dict[str, str], client: Any) -> None:
        if event["tab"] == "home":
            home = {"type": "home", "blocks": [{"type": "divider"}]}
            await client.views_publish(user_id=event["user"], view=home)

    bolt.event("app_home_opened")(on_home)
    http = await served(bolt, aiohttp_client)
    response = await post(http, app_home_opened_body("U0SAM"), "application/json")
    assert response.status == 200
    [call] = await slack.wait_for("views.publish")
    assert call.params["user_id"] == "U0SAM" and call.params["team_id"] == "T0TEST"


@pytest.mark.parametrize(
    ("body", "signed", "status"),
    [
        ("ssl_check=1&token=x", False, 200),
        (json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}), True, 200),
        (
            slash_command_body("stock", response_url="http://x/commands/1", command="/other"),
            True,
            404,
        ),
        (slash_command_body("stock", response_url="http://x/commands/1"), False, 401),
    ],
)
async def test_slack_housekeeping_and_refusals(
    slack: FakeSlack, aiohttp_client: AiohttpClient, body: str, signed: bool, status: int
) -> None:
    bolt = bolt_app(slack)

    async def on_command(ack: AsyncAck) -> None:
        await ack()

    bolt.command("/barback")(on_command)
    http = await served(bolt, aiohttp_client)
    content_type = (
        "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    )
    if signed:
        response = await post(http, body, content_type)
    else:
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": "1",
            "X-Slack-Signature": "v0=bad",
        }
        response = await http.post("/slack/events", data=body.encode(), headers=headers)
    assert response.status == status
    if "challenge" in body:
        assert await response.json() == {"challenge": "abc123"}
