"""Slack end to end: the real app, signed requests to /slack/events, a fake Slack on 127.0.0.1.

Each test runs on SQLite and PostgreSQL (the `database` fixture).
"""

from __future__ import annotations

import asyncio
import json

from app.slack import bolt_key
from bot.slack.home import HOME_REFRESH_ACTION_ID
from bot.slack.modals import PRODUCT_ACTION_ID, QUANTITY_ACTION_ID
from engine.usecases import reports
from engine.venue_admin import add_venue
from tests.app.slack_world import (  # noqa: F401 (fixtures)
    ADMIN,
    CHANNEL,
    MANAGER,
    STAFF,
    SlackWorld,
    bar_world_fixture,
    no_slack_environment_fixture,
    now,
    slack_fixture,
    sw_fixture,
    text_of,
)
from tests.fakes.slack import (
    app_home_opened_body,
    block_actions_payload,
    block_suggestion_payload,
    view_submission_payload,
)

PNG = b"\x89PNG\r\n\x1a\n"


async def recipe_of(sw: SlackWorld, item: str) -> str:
    report = await reports.mappings(sw.world.db.unit_of_work, sw.world.clock, "downtown", item)
    names = report.product_names
    return " + ".join(
        f"{names[part.product_id]}" for mapping in report.items for part in mapping.recipe.items
    )


async def test_stock_is_answered_through_the_response_url(sw: SlackWorld) -> None:
    url = await sw.command("stock tito", user=STAFF)

    answer = (await sw.slack.wait_for_response(url))[0]
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Tito's Vodka:")
    assert "Tito" in json.dumps(answer["blocks"])


async def test_help_when_the_text_is_empty(sw: SlackWorld) -> None:
    answer = await sw.ask("", user=STAFF)
    assert "stock" in answer["text"] and "map" in answer["text"]


async def test_a_non_manager_cannot_map_and_nothing_changes(sw: SlackWorld) -> None:
    answer = await sw.ask('map "Tito\'s Soda" = 1.5 oz tito', user=STAFF)

    assert answer["text"].startswith(":warning:")
    assert "manager" in answer["text"]
    assert await recipe_of(sw, "Tito's Soda") == ""


async def test_a_workspace_admin_may_change_while_no_manager_is_set(sw: SlackWorld) -> None:
    answer = await sw.ask('map "Tito\'s Soda" = 1.5 oz tito', user=ADMIN)

    assert not answer["text"].startswith(":warning:"), answer["text"]
    assert await recipe_of(sw, "Tito's Soda") == "Tito's Vodka"
    assert sw.slack.calls_to("users.info")[0].params["user"] == ADMIN


async def test_managers_add_and_remove(sw: SlackWorld) -> None:
    added = await sw.ask(f"managers add <@{MANAGER}|mo>", user=ADMIN)
    assert MANAGER in added["text"] and not added["text"].startswith(":warning:")

    # With a manager listed, the admin fallback is over; the manager may change things.
    refused = await sw.ask('map "Tito\'s Soda" = 1 oz tito', user=ADMIN)
    assert refused["text"].startswith(":warning:")
    applied = await sw.ask('map "Tito\'s Soda" = 1 oz tito', user=MANAGER)
    assert not applied["text"].startswith(":warning:"), applied["text"]
    assert await recipe_of(sw, "Tito's Soda") == "Tito's Vodka"

    assert (await sw.ask(f"managers remove {MANAGER}", user=STAFF))["text"].startswith(":warning:")
    removed = await sw.ask(f"managers remove {MANAGER}", user=MANAGER)
    assert "no longer a manager" in removed["text"] and "admins" in removed["text"]
    history = await sw.ask("history 3", user=STAFF)
    assert "slack.manager" in text_of(history)  # the audit log keeps both changes
    assert not (await sw.ask('unmap "Tito\'s Soda"', user=ADMIN))["text"].startswith(":warning:")


async def test_use_binds_the_channel_to_a_venue(sw: SlackWorld) -> None:
    await add_venue(
        sw.world.db.unit_of_work,
        sw.world.clock,
        slug="uptown",
        name="Uptown",
        timezone="America/New_York",
        currency="USD",
        actor="cli:sam",
    )
    unbound = await sw.ask("products", user=STAFF)
    assert unbound["text"].startswith(":warning: which venue?")
    assert "downtown, uptown" in text_of(unbound)

    assert (await sw.ask("use uptown", user=STAFF))["text"].startswith(":warning:")
    bound = await sw.ask("use uptown", user=ADMIN)
    assert "now uses Uptown" in bound["text"]

    assert (await sw.ask("sales", user=STAFF))["text"].startswith("Uptown,")
    # Another channel of the workspace is still unbound.
    assert (await sw.ask("products", user=STAFF, channel="C0OTHER"))["text"].startswith(
        ":warning: which venue?"
    )
    rebound = await sw.ask("use downtown", user=ADMIN)
    assert "it used uptown before" in rebound["text"]


async def test_alerts_channel_by_name_is_looked_up_in_slack(sw: SlackWorld) -> None:
    sw.slack.add_channel("C0ALERTS", "bar-alerts")
    answer = await sw.ask("alerts #bar-alerts", user=ADMIN)
    assert "C0ALERTS" in answer["text"], answer["text"]
    unknown = await sw.ask("alerts #nowhere", user=ADMIN)
    assert unknown["text"].startswith(":warning: I cannot see a channel called #nowhere")


async def test_map_button_modal_and_submission(sw: SlackWorld) -> None:
    listing = await sw.ask("unmapped", user=ADMIN)
    button = listing["blocks"][-1]["elements"][0]
    assert button["text"]["text"] == "Map"

    click_url = sw.slack.response_url("actions")
    click = block_actions_payload(
        button["action_id"], button["value"], response_url=click_url, user_id=ADMIN
    )
    assert (await sw.interact(click))[0] == 200
    await sw.slack.wait_for("views.open")
    modal = sw.slack.modals[0]
    first = modal["blocks"][1]["element"]["initial_option"]
    assert first["value"] == "Tito's Vodka"  # the closest name
    assert modal["blocks"][2]["element"]["initial_value"] == "shot"  # the venue's serving

    # Product search, as the external_select asks while the manager types.
    suggestion = block_suggestion_payload(PRODUCT_ACTION_ID, "product_1", "co", user_id=ADMIN)
    suggestion["view"]["private_metadata"] = modal["private_metadata"]
    status, body = await sw.interact(suggestion)
    assert status == 200
    found = [o["value"] for o in json.loads(body)["options"]]
    assert found == ["Cointreau", "Milagro Blanco"]  # the prefix first

    values = {
        "product_1": {
            PRODUCT_ACTION_ID: {
                "type": "external_select",
                "selected_option": {"value": "Tito's Vodka", "text": {"type": "plain_text"}},
            }
        },
        "quantity_1": {QUANTITY_ACTION_ID: {"type": "plain_text_input", "value": "2 oz"}},
        "product_2": {PRODUCT_ACTION_ID: {"type": "external_select", "selected_option": None}},
        "quantity_2": {QUANTITY_ACTION_ID: {"type": "plain_text_input", "value": None}},
    }
    # A non-manager's submission is refused in the modal itself.
    status, body = await sw.interact(view_submission_payload(modal, values, user_id=STAFF))
    assert status == 200 and json.loads(body)["response_action"] == "errors"
    assert await recipe_of(sw, "Tito's Soda") == ""

    status, body = await sw.interact(view_submission_payload(modal, values, user_id=ADMIN))
    assert status == 200 and body == ""
    confirmation = (await sw.slack.wait_for_response(click_url))[-1]
    assert confirmation["response_type"] == "ephemeral"
    assert "Tito's Soda" in confirmation["text"]
    assert await recipe_of(sw, "Tito's Soda") == "Tito's Vodka"


async def test_a_bad_quantity_is_shown_in_the_modal(sw: SlackWorld) -> None:
    view = {"callback_id": "barback_map", "private_metadata": json.dumps(
        {"venue": "downtown", "id": "sq-soda", "item": "Tito's Soda"}
    )}  # fmt: skip
    values = {
        "product_1": {
            PRODUCT_ACTION_ID: {"selected_option": {"value": "Tito's Vodka"}},
        },
        "quantity_1": {QUANTITY_ACTION_ID: {"value": "two glugs"}},
    }
    status, body = await sw.interact(view_submission_payload(view, values, user_id=ADMIN))
    assert status == 200
    assert set(json.loads(body)["errors"]) == {"quantity_1"}


async def test_confirmation_without_a_response_url_is_a_direct_message_retried_on_429(
    sw: SlackWorld,
) -> None:
    view = {"callback_id": "barback_map", "private_metadata": json.dumps(
        {"venue": "downtown", "id": "sq-soda", "item": "Tito's Soda"}
    )}  # fmt: skip
    values = {
        "product_1": {PRODUCT_ACTION_ID: {"selected_option": {"value": "Tito's Vodka"}}},
        "quantity_1": {QUANTITY_ACTION_ID: {"value": "1 shot"}},
    }
    sw.slack.rate_limit("chat.postMessage", retry_after=1)

    status, _ = await sw.interact(view_submission_payload(view, values, user_id=ADMIN))

    assert status == 200
    calls = await sw.slack.wait_for("chat.postMessage", 2)
    assert [c.params["channel"] for c in calls] == [ADMIN, ADMIN]
    assert "Tito's Soda" in sw.slack.messages[ADMIN][0]["text"]


async def test_the_app_client_retries_a_rate_limited_post(sw: SlackWorld) -> None:
    sw.slack.rate_limit("chat.postMessage", retry_after=1)
    bolt = sw.client.app[bolt_key]

    response = await bolt.client.chat_postMessage(channel=CHANNEL, text="low stock: Tito's")

    assert response["ok"]
    assert len(sw.slack.calls_to("chat.postMessage")) == 2


async def test_app_home_publishes_the_dashboard_and_refreshes(sw: SlackWorld) -> None:
    status, _, _ = await sw.post(app_home_opened_body(STAFF), content_type="application/json")
    assert status == 200
    await sw.slack.wait_for("views.publish")
    home = sw.slack.home[STAFF]
    assert home["type"] == "home" and len(home["blocks"]) < 100
    shown = json.dumps(home["blocks"])
    for figure in ("Net sales", "COGS", "Pour cost", "Gross profit", "Top items", "Low stock"):
        assert figure in shown
    assert "$28.00" in shown  # 16 + 12: the unmapped soda is not booked
    assert "Tito's Shot" in shown and "1 POS item not mapped" in shown

    refresh = block_actions_payload(
        HOME_REFRESH_ACTION_ID, "", response_url="", user_id=STAFF, block_id="home"
    )
    refresh["container"] = {"type": "view", "view_id": home["id"]}
    assert (await sw.interact(refresh))[0] == 200
    await sw.slack.wait_for("views.publish", 2)


async def test_the_messages_tab_publishes_nothing(sw: SlackWorld) -> None:
    status, _, _ = await sw.post(
        app_home_opened_body(STAFF, tab="messages"), content_type="application/json"
    )
    assert status == 200
    await asyncio.sleep(0.2)
    assert sw.slack.calls_to("views.publish") == []


async def test_a_redelivered_event_is_not_processed_twice(sw: SlackWorld) -> None:
    body = app_home_opened_body(STAFF)
    await sw.post(body, content_type="application/json")
    await sw.slack.wait_for("views.publish")

    status, _, headers = await sw.post(
        body,
        content_type="application/json",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )

    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    await asyncio.sleep(0.3)
    assert len(sw.slack.calls_to("views.publish")) == 1


async def test_bad_and_stale_signatures_are_refused(sw: SlackWorld) -> None:
    url = sw.slack.response_url()
    from tests.fakes.slack import slash_command_body

    body = slash_command_body("stock", response_url=url, user_id=STAFF)
    assert (await sw.post(body, secret="not-the-secret"))[0] == 401
    assert (await sw.post(body, timestamp=now() - 400))[0] == 401
    await asyncio.sleep(0.2)
    assert sw.slack.responses_to(url) == []


async def test_a_command_mentioning_payload_is_still_a_command(sw: SlackWorld) -> None:
    answer = await sw.ask('why "payload"', user=STAFF)
    assert answer["text"].startswith(":warning:")  # no such product, but parsed and answered


async def test_sales_uploads_a_chart_to_the_channel(sw: SlackWorld) -> None:
    answer = await sw.ask("sales 2026-11-21", user=STAFF)
    assert "net sales $28.00" in answer["text"]

    (upload,) = await sw.slack.wait_for_uploads("2026-11-21")
    assert upload.completed and upload.channel_id == CHANNEL
    assert upload.data is not None and upload.data.startswith(PNG)
    assert upload.filename.endswith(".png")


async def test_a_listener_failure_answers_a_request_id(sw: SlackWorld) -> None:
    sw.slack.fail("users.info", "fatal_error")  # the admin check cannot be made

    answer = await sw.ask("count tito 3", user=ADMIN)

    assert "request id" in answer["text"]
    assert "Traceback" not in answer["text"] and "fatal_error" not in answer["text"]
    assert "Tito's Vodka" not in text_of(await sw.ask("history 1", user=STAFF))


async def test_a_button_whose_command_fails_is_still_acknowledged(sw: SlackWorld) -> None:
    # Bolt's runner loses an ack() whose listener raises within its 10 ms poll, and answers
    # 404 three seconds later; the listener must answer 200 and then report the failure.
    sw.slack.fail("users.info", "fatal_error")
    url = sw.slack.response_url()
    click = block_actions_payload("barback_cmd:0", "count tito 3", response_url=url, user_id=ADMIN)

    status, text = await sw.interact(click)

    assert status == 200, text
    answer = (await sw.slack.wait_for_response(url))[-1]
    assert "request id" in answer["text"]
