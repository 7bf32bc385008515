"""The Slack app over its life: the events the manifest subscribes are answered, a long answer
arrives whole (pages, then More), and `serve` warms the chart worker up at start."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from pytest_aiohttp import AiohttpClient

from app.slack import chart_warm_up_key
from app.web import create_app
from bot.slack import answers
from bot.slack.answers import MORE_ACTION_ID
from engine.money import Money
from engine.quantity import Quantity
from engine.records import NewProduct
from engine.units import Dimension
from engine.usecases import reports
from tests.app.slack_world import (  # noqa: F401 (fixtures)
    ADMIN,
    STAFF,
    SlackWorld,
    bar_world_fixture,
    no_slack_environment_fixture,
    slack_fixture,
    slack_settings,
    sw_fixture,
)
from tests.fakes.block_kit import assert_message_ok, table_rows, texts
from tests.fakes.slack import (
    TEAM_ID,
    FakeSlack,
    app_uninstalled_body,
    block_actions_payload,
    tokens_revoked_body,
)

MORE_PRODUCTS = 200


@pytest.mark.parametrize(
    ("body", "said"),
    [(app_uninstalled_body(), "uninstalled from"), (tokens_revoked_body(), "revoked")],
)
async def test_one_workspace_uninstalling_is_answered_and_logged_loudly(
    sw: SlackWorld, body: str, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    status, text, _ = await sw.post(body, content_type="application/json")
    assert (status, text) == (200, "")  # handled: Slack does not retry it
    deadline = asyncio.get_running_loop().time() + 10
    while asyncio.get_running_loop().time() < deadline:
        found = [r for r in caplog.records if r.name == "bot.slack.uninstall"]
        if found:
            break
        await asyncio.sleep(0.02)
    [record] = found
    assert record.levelno == logging.ERROR
    assert said in record.getMessage() and TEAM_ID in record.getMessage()
    assert "SLACK_BOT_TOKEN no longer works" in record.getMessage()
    assert sw.slack.calls_to("auth.test") == []  # not asked: the token is dead


async def many_products(sw: SlackWorld) -> None:
    bottle = Quantity.of_base(Dimension.VOLUME, 750)
    async with sw.world.db.unit_of_work() as uow:
        venue = await uow.venues.get(sw.world.venue)
        for n in range(MORE_PRODUCTS):
            new = NewProduct(
                f"Product {n:03d} Reserve Single Barrel Straight Rye", Dimension.VOLUME, bottle,
                Money(2000, "USD"), 6000, 2000, None, sw.world.clock.now(),
            )  # fmt: skip
            await uow.catalog.add_product(venue.id, new)
        await uow.commit()


async def test_a_long_read_arrives_whole_the_rest_behind_more(
    sw: SlackWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    await many_products(sw)
    monkeypatch.setattr(answers, "PAGES_AT_ONCE", 1)  # 203 products are pages: see More
    url = await sw.command("products", user=STAFF)
    [first] = await sw.slack.wait_for_response(url)
    assert_message_ok(first)
    assert first["text"] == "203 products"
    [button] = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == MORE_ACTION_ID
    assert json.loads(button["value"]) == {"command": "products", "page": 1}

    rows, page, pages = table_rows(texts(first["blocks"])), 1, None
    while button is not None:  # each More brings the next page, the last one has none
        more_url = sw.slack.response_url("actions")
        click = block_actions_payload(
            MORE_ACTION_ID, button["value"], response_url=more_url, user_id=STAFF
        )
        status, _ = await sw.interact(click)
        assert status == 200
        [message] = await sw.slack.wait_for_response(more_url)
        assert_message_ok(message)
        page += 1
        pages = pages or int(message["text"].rsplit(" of ", 1)[1].rstrip(")"))
        assert message["text"] == f"203 products (page {page} of {pages})"
        rows += table_rows(texts(message["blocks"]))
        buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
        button = buttons[0] if buttons else None
        assert (button is None) is (page == pages)
    assert page == pages and pages >= 2
    assert rows == MORE_PRODUCTS + 3 and sw.slack.refused == []


async def test_a_more_button_never_runs_a_change(sw: SlackWorld) -> None:
    url = sw.slack.response_url("actions")
    value = json.dumps({"command": "count tito 0", "page": 1})
    status, _ = await sw.interact(
        block_actions_payload(MORE_ACTION_ID, value, response_url=url, user_id=ADMIN)
    )
    assert status == 200
    # The listener decides before it returns (nothing follows its ack for a pager it did not
    # make), so the answer above means it is done: nothing was counted, nothing was said.
    history = await reports.history(sw.world.db.unit_of_work, "downtown", 50)
    assert all(entry.action != "count" for entry in history.entries)
    assert sw.slack.responses_to(url) == []


async def test_serve_warms_the_chart_worker_up_at_start(
    no_slack_environment: None, slack: FakeSlack, aiohttp_client: AiohttpClient, tmp_path: object
) -> None:
    settings = slack_settings(slack, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/warm.db")
    client = await aiohttp_client(create_app(settings))  # no database handed in: as serve does
    warming = client.app[chart_warm_up_key]
    await asyncio.wait_for(asyncio.shield(warming), timeout=120)
    assert warming.exception() is None
