"""Issue 5's "done when", over real sockets: a signed webhook books a sale, the booking crosses
Tito's reorder point, and exactly one alert reaches the (fake) Slack; `/barback summary post`
uploads the day's chart to the summary channel.

Figures: 3 bottles counted = 2,250,000 µl; 20 shots of 44,360 µl = 887,200 µl leave 1,362,800 µl
= 1.817 bottles, at or below the reorder point of 2: one crossing. 5 more shots stay below it.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func, select

from app.notify import run_notifications_key
from app.web import create_app
from app.webhooks import run_worker_key
from engine.usecases import catalog, ledger, settings
from storage.database import Database
from storage.tables import outbox
from tests.app.slack_world import (  # noqa: F401 (fixtures)
    ADMIN,
    CHANNEL,
    SlackWorld,
    no_slack_environment_fixture,
    slack_fixture,
    slack_settings,
    text_of,
)
from tests.app.webhook_world import closed, generic_bar, post, settled
from tests.engine.usecases_world import ACTOR, q
from tests.fakes.slack import FakeSlack

SUMMARY_CHANNEL = "C0SUMMARY"
PNG = b"\x89PNG\r\n\x1a\n"


async def alerts_stored(db: Database) -> int:
    async with db.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(outbox)) or 0)


@pytest.fixture
async def world(
    no_slack_environment: None,
    database: Database,
    slack: FakeSlack,
    aiohttp_client: AiohttpClient,
) -> tuple[SlackWorld, str]:
    bar, secret = await generic_bar(database)
    uow, clock = database.unit_of_work, bar.clock
    for field, value in (("par", Fraction(6)), ("reorder", Fraction(2))):
        await catalog.set_product(
            uow, clock, "downtown", product="tito", field=field, value=value, actor=ACTOR
        )
    await ledger.record_count(uow, clock, "downtown", product="tito", amount=q("3"), actor=ACTOR)
    await settings.set_alert_channel(uow, clock, "downtown", channel=CHANNEL, actor=ACTOR)
    clock.advance(minutes=1)
    slack.add_channel(SUMMARY_CHANNEL, "bar-summary")
    app = create_app(slack_settings(slack), database=database)
    app[run_worker_key] = True
    app[run_notifications_key] = True
    client = await aiohttp_client(app)
    return SlackWorld(bar, slack, client), secret


async def test_a_webhook_below_the_reorder_point_alerts_once(
    world: tuple[SlackWorld, str],
) -> None:
    sw, secret = world
    db = sw.world.db
    assert await post(sw.client, "downtown", secret, closed(1, quantity="20")) == (
        200,
        {"status": "accepted", "event_id": "evt-1"},
    )
    await settled(db)
    await sw.slack.wait_for("chat.postMessage")
    [alert] = sw.slack.messages[CHANNEL]
    assert "Low stock" in text_of(alert) and "Tito's Vodka" in text_of(alert)

    before = await alerts_stored(db)
    assert (await post(sw.client, "downtown", secret, closed(2, quantity="5")))[0] == 200
    await settled(db)
    assert await alerts_stored(db) == before  # already below: no second crossing, no alert
    assert len(sw.slack.messages[CHANNEL]) == 1


async def test_summary_post_uploads_the_chart_to_the_summary_channel(
    world: tuple[SlackWorld, str],
) -> None:
    sw, secret = world
    answer = await sw.ask(f"summary 09:00 {SUMMARY_CHANNEL}", user=ADMIN)
    assert "09:00" in answer["text"], answer["text"]
    assert (await post(sw.client, "downtown", secret, closed(1, quantity="2")))[0] == 200
    await settled(sw.world.db)

    answer = await sw.ask("summary post 2026-11-21", user=ADMIN)  # no manager set yet
    assert answer["text"].startswith("Posted the summary of 2026-11-21"), answer["text"]
    # The schedule may also have posted the last full day (a different day) by now.
    [summary] = [m for m in sw.slack.messages[SUMMARY_CHANNEL] if "2026-11-21" in text_of(m)]
    # One line of two shots charged $8.00; COGS 2 x 133.08 c = 266.16 c, 33.27% of it.
    assert "net sales $8.00, pour cost 33.27%, 1 receipts" in text_of(summary)
    # The schedule's own post of another day may upload a chart too: take this day's.
    (upload,) = await sw.slack.wait_for_uploads("2026-11-21")
    assert upload.channel_id == SUMMARY_CHANNEL
    assert upload.data is not None and upload.data.startswith(PNG)
