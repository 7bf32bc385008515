"""Issue 10's Slack "done when", over real sockets against the fake Slack: a manager opens the
count sheet, fills 30 products across two pages, closes it and opens it again (the draft is
kept), and saves it: one count session with one timestamp, and the answer lists the variance. A
non-manager's submission of the same sheet changes nothing.

Figures: 32 products `P01`..`P32` (750 ml, $20.00 a bottle: 2,000 c / 750,000 µl) plus the bar's
three, each of P01..P32 counted 4 bottles at T0 + 1 min. Nothing pours them, so at the session
each one's expected usage is 0 and its variance is what went missing: P01..P20 are counted at
4 - n/10 bottles (P01 3.9, ..., P20 2.0) and P21..P30 at 4 - (n - 20)/20 bottles. P20 lost 2
bottles = $40.00, the biggest loss, so it is listed first; P01 lost 0.1 bottle = $2.00. In all:
P01..P20 lost (1 + ... + 20)/10 = 21 bottles, P21..P30 (1 + ... + 10)/20 = 2.75 bottles;
23.75 bottles x $20.00 = $475.00.
"""

from __future__ import annotations

import asyncio
import json
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.slack.count_sheet import COUNT_CALLBACK_ID, DISCARD_ACTION_ID, PAGE_SIZE
from engine.usecases import catalog, ledger
from storage.database import Database
from storage.tables import audit_log, count_drafts, count_sessions, counts
from tests.app.slack_world import (  # noqa: F401 (fixtures)
    ADMIN,
    MANAGER,
    STAFF,
    SlackWorld,
    bar_world_fixture,
    no_slack_environment_fixture,
    slack_fixture,
    sw_fixture,
    text_of,
)
from tests.engine.usecases_world import ACTOR, q, usd
from tests.fakes.slack import view_action_payload, view_closed_payload, view_submission_payload

Json = dict[str, Any]
NAMES = [f"P{n:02d}" for n in range(1, 33)]
CATEGORIES = ("gin", "rum", "vodka", "whiskey")


def counted(n: int) -> str:
    """What the manager types for P<n>: see the module's figures."""
    bottles = 4 - Fraction(n, 10) if n <= 20 else 4 - Fraction(n - 20, 20)
    return f"{float(bottles):g}"


def fields(view: Json) -> dict[str, str]:
    """The sheet's fields: product name -> block id."""
    return {
        block["label"]["text"]: block["block_id"]
        for block in view["blocks"]
        if block["type"] == "input"
    }


def state(view: Json, typed: dict[str, str]) -> Json:
    """`state.values` as Slack sends it: every field of the page, empty ones as None."""
    return {
        block_id: {"amount": {"type": "plain_text_input", "value": typed.get(name)}}
        for name, block_id in fields(view).items()
    }


def shown(view: Json) -> dict[str, str]:
    """What the page's fields show (their initial values)."""
    return {
        block["label"]["text"]: block["element"].get("initial_value")
        for block in view["blocks"]
        if block["type"] == "input" and block["element"].get("initial_value")
    }


def button(view: Json, action_prefix: str) -> Json:
    for block in view["blocks"]:
        for element in block.get("elements", ()):
            if str(element.get("action_id", "")).startswith(action_prefix):
                return dict(element)
    raise AssertionError(f"no {action_prefix} button in the view")


async def rows(db: Database, table: Any) -> int:
    async with db.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
async def shelf(sw: SlackWorld) -> SlackWorld:
    """32 more products in four categories, each counted 4 bottles; Mo is the manager."""
    uow, clock = sw.world.db.unit_of_work, sw.world.clock
    for n, name in enumerate(NAMES):
        await catalog.add_product(
            uow,
            clock,
            "downtown",
            name=name,
            container=q("750 ml"),
            cost=usd("$20.00"),
            category=CATEGORIES[n % 4],
            actor=ACTOR,
        )
        await ledger.record_count(uow, clock, "downtown", product=name, amount=q("4"), actor=ACTOR)
    clock.advance(minutes=30)
    added = await sw.ask(f"managers add <@{MANAGER}|mo>", user=ADMIN)
    assert not added["text"].startswith(":warning:"), added["text"]
    return sw


async def open_sheet(sw: SlackWorld, user: str = MANAGER) -> tuple[Json, str]:
    """`/barback count`; the modal opened and the command's response_url."""
    before = len(sw.slack.modals)
    url = await sw.command("count", user=user)
    await sw.slack.wait_for("views.open", before + 1)
    return sw.slack.modals[-1], url


async def click(sw: SlackWorld, view: Json, typed: dict[str, str], prefix: str) -> Json:
    """Click a button of the modal with `typed` in its fields; the view after views.update."""
    updates = len(sw.slack.calls_to("views.update"))
    pressed = button(view, prefix)
    payload = view_action_payload(
        view, state(view, typed), pressed["action_id"], pressed["value"], user_id=MANAGER
    )
    assert (await sw.interact(payload))[0] == 200
    await sw.slack.wait_for("views.update", updates + 1)
    return next(m for m in sw.slack.modals if m["id"] == view["id"])


async def test_a_manager_counts_thirty_products_on_two_pages_as_one_session(
    shelf: SlackWorld,
) -> None:
    sw, db = shelf, shelf.world.db
    first, _ = await open_sheet(sw)
    assert first["callback_id"] == COUNT_CALLBACK_ID and first["notify_on_close"] is True
    assert len(first["blocks"]) <= 100 and len(first["private_metadata"]) <= 3000
    page_one = fields(first)
    assert len(page_one) == PAGE_SIZE  # 35 products: 25 on page 1, 10 on page 2
    placeholders = {b["element"]["placeholder"]["text"] for b in first["blocks"] if "element" in b}
    assert "expected 4.000" in placeholders  # the on-hand expected, as a hint
    headings = [b["text"]["text"] for b in first["blocks"] if b["type"] == "header"]
    assert headings == sorted(headings) and set(headings) <= {*CATEGORIES, "Other"}

    # Page 1: P01..P30 where the page shows them (by category, then name); then the next page.
    typed_one = {name: counted(int(name[1:])) for name in page_one if name in NAMES[:30]}
    second = await click(sw, first, typed_one, "count_page:next")
    page_two = fields(second)
    assert set(page_two).isdisjoint(page_one) and len(page_one) + len(page_two) == 35
    assert "page 2 of 2" in second["blocks"][0]["text"]["text"]

    # Page 2: the rest of P01..P30; then the sheet is closed (the draft is kept).
    typed_two = {name: counted(int(name[1:])) for name in page_two if name in NAMES[:30]}
    assert len(typed_one) + len(typed_two) == 30 and typed_one and typed_two
    closed = view_closed_payload(second, state(second, typed_two), user_id=MANAGER)
    assert (await sw.interact(closed))[0] == 200
    await wait_for_draft(db, 30)

    # Reopened, it shows page 2 as it was left, and page 1 as it was typed.
    again, url = await open_sheet(sw)
    assert shown(again) == typed_two
    back = await click(sw, again, typed_two, "count_page:prev")
    assert shown(back) == typed_one
    assert "30 of 35 products counted so far" in back["blocks"][0]["text"]["text"]

    # Someone who is not a manager submits the same sheet: refused on the form, nothing changes.
    before = (await rows(db, counts), await rows(db, audit_log))
    status, body = await sw.interact(
        view_submission_payload(back, state(back, typed_one), user_id=STAFF)
    )
    assert status == 200 and json.loads(body)["response_action"] == "errors"
    assert "only a manager" in json.dumps(json.loads(body)["errors"])
    assert (await rows(db, counts), await rows(db, audit_log)) == before
    assert await rows(db, count_sessions) == 0 and await rows(db, count_drafts) == 1

    # The manager saves it: one session, thirty counts, one timestamp.
    at = sw.world.clock.now()
    status, body = await sw.interact(
        view_submission_payload(back, state(back, typed_one), user_id=MANAGER)
    )
    assert status == 200 and body == "", body
    async with db.engine.connect() as connection:
        [session] = (await connection.execute(select(count_sessions))).all()
        stamps = (
            await connection.execute(
                select(counts.c.counted_at, counts.c.session_id).where(
                    counts.c.session_id.is_not(None)
                )
            )
        ).all()
    assert session.products == 30 and session.source == "slack"
    assert session.created_by == f"slack:{MANAGER}" and session.counted_at == at
    assert len(stamps) == 30 and {s.counted_at for s in stamps} == {at}
    assert {s.session_id for s in stamps} == {session.id}
    assert await rows(db, count_drafts) == 0  # saved: the draft is gone

    # The answer: the session's variance at a glance, biggest loss first, and the full report.
    answer = (await sw.slack.wait_for_response(url))[-1]
    assert answer["response_type"] == "ephemeral"
    text = text_of(answer)
    assert answer["text"].startswith("counted 30 products at 2026-11-21 ")
    assert "variance $475.00 in all" in answer["text"]
    # The ten biggest: P20 ($40.00 lost), P19 ($38.00), ..., P11 ($22.00); 20 more in the report.
    assert text.index("P20") < text.index("P19") < text.index("P11") and "P10" not in text
    assert "$40.00" in text and "…and 20 more" in text and "Full variance report" in text
    history = await sw.ask("history 1", user=STAFF)
    assert "count.session" in text_of(history) and "products" in text_of(history)
    report = await sw.ask("variance P20", user=STAFF)
    assert "P20: variance 50.72 oz (1500.0 ml)" in report["text"]  # 2 bottles since T0 + 1 min


async def wait_for_draft(db: Database, entries: int) -> None:
    """The draft is kept after Slack's answer (listener work follows the ack): poll for it."""
    for _ in range(300):
        async with db.engine.connect() as connection:
            found = (await connection.execute(select(count_drafts.c.entries))).scalars().all()
        if found and len(found[0]) == entries:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no draft of {entries} entries was kept")


async def test_discarding_the_draft_empties_the_sheet(shelf: SlackWorld) -> None:
    sw, db = shelf, shelf.world.db
    first, _ = await open_sheet(sw)
    some = {name: "1" for name in list(fields(first))[:3]}
    second = await click(sw, first, some, "count_page:next")
    assert await rows(db, count_drafts) == 1
    cleared = await click(sw, second, {}, DISCARD_ACTION_ID)
    assert await rows(db, count_drafts) == 0
    assert shown(cleared) == {} and "page 1 of 2" in cleared["blocks"][0]["text"]["text"]


async def test_a_bad_amount_stays_on_its_page_with_the_reason(shelf: SlackWorld) -> None:
    sw = shelf
    first, _ = await open_sheet(sw)
    name = next(n for n in fields(first) if n.startswith("P"))
    again = await click(sw, first, {name: "three"}, "count_page:next")
    assert "page 1 of 2" in again["blocks"][0]["text"]["text"]
    assert f"{name}: 'three' is not a unit or a serving size" in json.dumps(again["blocks"])
    status, body = await sw.interact(
        view_submission_payload(again, state(again, {name: "-2"}), user_id=MANAGER)
    )
    errors = json.loads(body)["errors"]
    assert status == 200 and errors == {fields(again)[name]: "count '-2' must be more than zero"}
    assert await rows(sw.world.db, count_sessions) == 0


async def test_a_non_manager_cannot_open_the_sheet(shelf: SlackWorld) -> None:
    answer = await shelf.ask("count", user=STAFF)
    assert answer["text"].startswith(":warning: count changes things: only a manager")
    assert shelf.slack.calls_to("views.open") == []


async def test_spot_counts_stay_one_product_at_a_time(shelf: SlackWorld) -> None:
    answer = await shelf.ask("count P01 3", user=MANAGER)
    assert answer["text"].startswith("counted P01: on hand"), answer["text"]
    assert await rows(shelf.world.db, count_sessions) == 0
