"""Alerts end to end: use cases write outbox rows in their transaction, the dispatcher posts them
to a fake Slack through the real AsyncWebClient, on SQLite and PostgreSQL.

Tito's, Milagro, Cointreau: 750 ml, reorder point 2 bottles (1,500,000 µl), par 6. A shot is
44,360 µl. Counted at 3 bottles (2,250,000 µl), 17 shots (754,120 µl) leave 1,495,880 µl:
below the reorder point; 16 would leave 1,540,240 µl, above it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.modals import mapping_request
from engine.alerts import AlertKind, OutboxState
from engine.usecases import ledger, settings
from storage.database import Database
from storage.outbox import SqlOutbox
from tests.app.alerts_world import AlertWorld, alert_world, client, slack
from tests.engine.usecases_world import ACTOR, q, usd
from tests.fakes.slack import FakeSlack

__all__ = ["client", "slack"]  # fixtures

TITO_SHOT = ("sq-titos", "Tito's Shot")


@pytest.fixture
async def aw(database: Database, slack: FakeSlack, client: AsyncWebClient) -> AlertWorld:
    return await alert_world(database, slack, client)


async def count(aw: AlertWorld, product: str, amount: str) -> None:
    w = aw.world
    w.clock.advance(minutes=1)
    await ledger.record_count(
        w.db.unit_of_work, w.clock, w.venue, product=product, amount=q(amount), actor=ACTOR
    )


def text_of(message: dict[str, Any]) -> str:
    return str(message["text"]) + str(message["blocks"])


async def test_crossing_alerts_once_and_a_count_above_re_arms(aw: AlertWorld) -> None:
    await count(aw, "tito", "3")
    await aw.sell("R1", (*TITO_SHOT, "16", ""))
    await aw.notifier.drain()
    assert aw.posted() == []  # still above the reorder point

    await aw.sell("R2", (*TITO_SHOT, "1", ""))
    await aw.notifier.drain()
    [alert] = aw.posted()
    assert "Low stock" in text_of(alert) and "Tito's Vodka" in text_of(alert)
    shown = text_of(alert)
    assert "1.995 left" in shown  # 1,495,880 / 750,000 containers
    assert "Suggested order: *5*" in shown  # to par 6

    await aw.sell("R3", (*TITO_SHOT, "2", ""))
    await aw.notifier.drain()
    assert len(aw.posted()) == 1  # further below: no second alert

    await count(aw, "tito", "4")  # back above: re-armed, said in the alert's thread
    await aw.notifier.drain()
    follow_up = aw.posted()[1]
    assert follow_up["thread_ts"] == alert["ts"]
    assert "back above" in text_of(follow_up)

    await aw.sell("R4", (*TITO_SHOT, "40", ""))  # 4 bottles - 1,774,400 µl: below again
    await aw.notifier.drain()
    assert len(aw.posted()) == 3
    assert "thread_ts" not in aw.posted()[2] and "Low stock" in text_of(aw.posted()[2])


async def test_two_products_crossing_in_one_receipt_share_one_message(aw: AlertWorld) -> None:
    await count(aw, "milagro", "2.05")
    await count(aw, "cointreau", "2.05")
    await aw.sell("R1", ("sq-marg", "Margarita", "3", ""))
    await aw.notifier.drain()
    [alert] = aw.posted()
    assert "Milagro Blanco" in text_of(alert) and "Cointreau" in text_of(alert)
    assert len(await SqlOutbox(aw.db.engine).list(kind=AlertKind.LOW_STOCK)) == 1


async def test_alerts_need_a_channel_and_low_alerts_on(aw: AlertWorld) -> None:
    w = aw.world
    await settings.set_low_alerts(w.db.unit_of_work, w.clock, w.venue, on=False, actor=ACTOR)
    await count(aw, "tito", "2.01")
    await aw.sell("R1", (*TITO_SHOT, "1", ""))
    await aw.notifier.drain()
    assert aw.posted() == []


async def variance_story(aw: AlertWorld, pct: str, minimum: str | None) -> None:
    """Variance 76,826 µl = 16.24% of expected 473,174 µl, costing $2.30 (test_usecases_ledger)."""
    w = aw.world
    uow, clock, v = w.db.unit_of_work, w.clock, w.venue
    await settings.set_variance_alert(
        uow, clock, v, pct=Decimal(pct), min_amount=None if minimum is None else usd(minimum),
        actor=ACTOR,
    )  # fmt: skip
    await count(aw, "tito", "3")
    await aw.sell("R1", (*TITO_SHOT, "10", ""))
    clock.advance(minutes=1)
    await ledger.record_receiving(
        uow, clock, v, product="tito", containers=Fraction(2), actor=ACTOR
    )
    clock.advance(minutes=1)
    await ledger.record_waste(uow, clock, v, product="tito", quantity=q("1 oz"), actor=ACTOR)
    await count(aw, "tito", "3200 ml")
    await aw.notifier.drain()


async def test_a_count_over_the_variance_thresholds_alerts(aw: AlertWorld) -> None:
    await variance_story(aw, "10", "$2")
    [alert] = aw.posted()
    assert "Variance on Tito" in text_of(alert)
    assert "16.2%" in text_of(alert) and "$2.30" in text_of(alert)


@pytest.mark.parametrize(("pct", "minimum"), [("20", None), ("10", "$2.50")])
async def test_a_count_under_the_thresholds_does_not(
    aw: AlertWorld, pct: str, minimum: str | None
) -> None:
    await variance_story(aw, pct, minimum)
    assert aw.posted() == []


async def test_new_unmapped_items_are_batched_with_map_buttons(aw: AlertWorld) -> None:
    w = aw.world
    await aw.sell("R1", ("sq-espresso", "Espresso Martini", "1", ""))
    await aw.notifier.drain()
    assert aw.posted() == []  # waiting a little for others seen soon after
    await aw.sell(
        "R2", ("sq-vsoda", "Tito's Soda", "2", ""), ("sq-espresso", "Espresso Martini", "1", "")
    )
    await aw.notifier.drain()  # R1's item is due; R2's, not yet due, joins it
    [alert] = aw.posted()
    buttons = [
        block["accessory"]
        for block in alert["blocks"]
        if block.get("accessory")  # type: ignore[union-attr]
    ]
    assert [b["value"] for b in buttons] == ['map "Espresso Martini"', 'map "Tito\'s Soda"']
    assert all(b["action_id"].startswith("barback_cmd:") for b in buttons)
    assert [mapping_request(b["value"]) for b in buttons] == ["Espresso Martini", "Tito's Soda"]
    assert "Best guess: shot Tito's Vodka" in text_of(alert)

    await aw.sell("R3", ("sq-espresso", "Espresso Martini", "1", ""))
    w.clock.advance(minutes=5)
    await aw.notifier.drain()
    assert len(aw.posted()) == 1  # seen before: not new


async def test_a_slack_outage_is_retried_from_the_outbox_and_delivered_once(
    aw: AlertWorld,
) -> None:
    w, slack = aw.world, aw.slack
    slack.server_error("chat.postMessage")
    await count(aw, "tito", "2.01")
    await aw.sell("R1", (*TITO_SHOT, "1", ""))  # the booking commits whatever Slack does
    done = await aw.notifier.drain()
    assert done.failed and aw.posted() == []
    [row] = await SqlOutbox(aw.db.engine).list()
    assert row.state is OutboxState.PENDING and row.attempts == 1

    slack.rate_limit("chat.postMessage", retry_after=60)
    w.clock.advance(seconds=6)
    await aw.notifier.drain()
    assert aw.posted() == []
    w.clock.advance(seconds=30)  # within Retry-After
    await aw.notifier.drain()
    assert aw.posted() == []
    w.clock.advance(seconds=31)
    await aw.notifier.drain()
    await aw.notifier.drain()
    assert len(aw.posted()) == 1
    [row] = await SqlOutbox(aw.db.engine).list()
    assert row.state is OutboxState.SENT and row.slack_ts == aw.posted()[0]["ts"]
    assert len(slack.calls_to("chat.postMessage")) == 3


async def test_two_dispatchers_deliver_each_alert_once(aw: AlertWorld) -> None:
    import asyncio

    from bot.slack.notify import SlackNotifier

    await count(aw, "tito", "2.01")
    await count(aw, "milagro", "2.01")
    await aw.sell("R1", (*TITO_SHOT, "1", ""))
    await aw.sell("R2", ("sq-marg", "Margarita", "1", ""))
    other = SlackNotifier(
        SqlOutbox(aw.db.engine), aw.notifier._client_for, aw.world.clock.now, owner="other"
    )
    await asyncio.gather(aw.notifier.drain(), other.drain())
    assert len(aw.posted()) == 2


async def test_run_notifications_delivers_within_seconds_and_stops(aw: AlertWorld) -> None:
    import asyncio

    from app.notify import run_notifications
    from tests.app.webhook_world import settings as app_settings

    env = {
        "SLACK_BOT_TOKEN": aw.slack.token,
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": aw.slack.api_url,
    }
    await count(aw, "tito", "2.01")
    await aw.sell("R1", (*TITO_SHOT, "1", ""))
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_notifications(app_settings(env), aw.db, stop, clock=aw.world.clock, poll_seconds=0.05)
    )
    try:
        await aw.slack.wait_for("chat.postMessage")
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
    assert len(aw.posted()) == 1
