"""Every Block Kit payload barback builds, at the limits, validated with slack_sdk's models.

A bar of 200 products with names as long as real ones; 120 of them poured by one "Tasting Flight",
so a single sale takes all 120 below their reorder point (one LOW STOCK alert of 120 products);
the same receipt sells 60 POS items nobody mapped (one UNMAPPED batch of 60). Then: `stock` and
`products` (200 rows), `unmapped` (60 rows, 60 Map buttons), `help`, the alert batch through the
dispatcher and the fake Slack (which refuses what Slack refuses), the Home tab, the summary, the
mapping modal. Each payload is checked (`tests.fakes.block_kit`) and nothing may be missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.help import help_text
from bot.commands.session import Actor, SessionContext, run
from bot.slack.blocks import SlackMessage, escape
from bot.slack.dashboard import dashboards
from bot.slack.home import home_view
from bot.slack.modals import MappingTarget, mapping_modal
from bot.slack.pages import render_pages
from bot.slack.summary import summary_message
from engine.inventory import Count
from engine.money import Money
from engine.quantity import Quantity
from engine.records import NewProduct
from engine.units import Dimension
from engine.usecases import catalog
from engine.usecases.notify import daily_summary
from storage.database import Database
from tests.app.alerts_world import AlertWorld, alert_world, client, slack
from tests.engine.usecases_world import ACTOR, ing, seen
from tests.fakes.block_kit import assert_message_ok, assert_view_ok, table_rows, texts
from tests.fakes.slack import FakeSlack

__all__ = ["client", "slack"]  # fixtures

pytestmark = pytest.mark.slow

PRODUCTS, FLIGHT, UNMAPPED = 200, 120, 60
NAME = "Product {n:03d} Reserve Single Barrel Small Batch Straight Bourbon & Rye"  # 70 chars
ITEM = "Mystery Cocktail {n:02d} <house> with a Rather Long Point-of-Sale Name"


def product(n: int) -> str:
    return NAME.format(n=n)


@pytest.fixture
async def big(database: Database, slack: FakeSlack, client: AsyncWebClient) -> AlertWorld:
    aw = await alert_world(database, slack, client)
    w = aw.world
    uow, clock, v = database.unit_of_work, w.clock, w.venue
    bottle = Quantity.of_base(Dimension.VOLUME, 750)
    # Straight to the repositories, in one transaction: 320 use-case transactions would take a
    # minute on SQLite's synchronous=FULL, and what is under test is what Slack gets.
    async with uow() as unit:
        venue = await unit.venues.get(v)
        for n in range(PRODUCTS):
            added = await unit.catalog.add_product(
                venue.id,
                NewProduct(
                    product(n), Dimension.VOLUME, bottle, Money(2000, "USD"), 6000, 2000, None,
                    clock.now(),
                ),
            )  # fmt: skip
            if n < FLIGHT:
                counted = Count(added.id, clock.now(), bottle.scaled(Fraction(21, 10)))
                await unit.ledger.add_count(venue.id, counted, ACTOR)
        await unit.commit()
    clock.advance(minutes=1)
    await seen(w, "sq-flight", "Tasting Flight")
    flight = [ing("3 oz", product(n)) for n in range(FLIGHT)]  # 88.7 ml > 0.1 of a bottle
    await catalog.map_item(uow, clock, v, pos_item="Tasting Flight", items=flight, actor=ACTOR)
    clock.advance(minutes=1)
    unknown = [(f"sq-mystery-{n}", ITEM.format(n=n), "1", "") for n in range(UNMAPPED)]
    await aw.sell("R1", ("sq-flight", "Tasting Flight", "1", ""), *unknown)
    return aw


async def session(aw: AlertWorld) -> SessionContext:
    async with aw.db.unit_of_work() as uow:
        venue = await uow.venues.get(aw.world.venue)
    return SessionContext(venue, Actor.terminal("sam"), aw.db.unit_of_work, aw.world.clock)


def checked(pages: Sequence[SlackMessage]) -> str:
    """Every page valid; all their text, in order, to look for what must be there."""
    for page in pages:
        assert_message_ok(page.payload())
    return "\n".join(texts(page.blocks) for page in pages)


def numbers(text: str, pattern: str) -> list[int]:
    return [int(n) for n in re.findall(pattern, text)]


async def test_replies_of_200_products_60_items_and_the_help_text(big: AlertWorld) -> None:
    ctx = await session(big)
    for command in ("stock", "products"):
        reply = await run(command, ctx)
        pages = render_pages(reply)
        assert len(pages) > 1
        # Every product a row (names are fitted to a phone's width, rows are never dropped).
        assert table_rows(checked(pages)) == len(reply.data["products"]) == PRODUCTS + 3

    pages = render_pages(await run("unmapped", ctx))
    assert table_rows(checked(pages)) == UNMAPPED
    buttons = [
        e["value"]
        for page in pages
        for block in page.blocks
        if block["type"] == "actions"
        for e in block["elements"]
    ]
    assert buttons == [f'map "{ITEM.format(n=n)}" = ' for n in range(UNMAPPED)]

    words = help_text(None)
    assert len(escape(words)) > 3000  # over one section: it used to lose its last lines
    pages = render_pages(await run("help", ctx))
    sections = [b["text"]["text"] for page in pages for b in page.blocks if b["type"] == "section"]
    checked(pages)
    assert "".join(sections).replace("\n", "") == escape(words).replace("\n", "")


async def test_the_alert_batch_reaches_slack_whole(big: AlertWorld) -> None:
    big.world.clock.advance(minutes=1)  # past the unmapped batch's wait
    done = await big.notifier.drain()
    assert done.failed == [] and big.slack.refused == []
    posted = big.posted()
    for message in posted:
        assert_message_ok(message)
    low = [m for m in posted if "Low stock" in str(m["text"])]
    new = [m for m in posted if "unmapped" in str(m["text"])]
    assert len(low) > 1 and len(new) > 1 and len(low) + len(new) == len(posted)
    low_text = "\n".join(texts(m["blocks"]) for m in low)
    assert numbers(low_text, r"\*Product (\d{3}) ") == list(range(FLIGHT))
    map_values = [b["accessory"]["value"] for m in new for b in m["blocks"] if "accessory" in b]
    assert map_values == [f'map "{ITEM.format(n=n)}"' for n in range(UNMAPPED)]
    assert all(m.get("thread_ts") is None for m in posted)  # a long alert reads in the channel
    assert str(low[1]["blocks"][0]["elements"][0]["text"]).startswith("Low stock at")


async def test_home_summary_and_modal_at_the_limits(big: AlertWorld) -> None:
    ctx = await session(big)
    boards = await dashboards(big.db.unit_of_work, big.world.clock, [ctx.venue] * 20)
    for page in range(2):
        assert_view_ok(home_view(boards, as_of=big.world.clock.now(), page=page))
    summary = await daily_summary(big.db.unit_of_work, big.world.clock, ctx.venue.id)
    assert_message_ok(summary_message(summary).payload())
    long_item = ITEM.format(n=0) * 3
    assert_view_ok(mapping_modal(MappingTarget("downtown", "sq-x", long_item)))
