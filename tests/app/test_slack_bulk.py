"""Bulk set-up and the review queue in Slack (issue 9), against the fake Slack, on both databases:
a CSV shared in the channel is imported, an export is uploaded, and the review comes with
Accept and Edit buttons within Slack's limits."""

from __future__ import annotations

import json

from engine.usecases import reports
from tests.app.slack_world import (  # noqa: F401 (fixtures)
    ADMIN,
    CHANNEL,
    STAFF,
    SlackWorld,
    bar_world_fixture,
    no_slack_environment_fixture,
    slack_fixture,
    sw_fixture,
    text_of,
)


async def product_names(sw: SlackWorld) -> list[str]:
    report = await reports.products(sw.world.db.unit_of_work, "downtown")
    return [p.name for p in report.products]


PRODUCTS = b"name,container,cost,par,reorder,category\nBeefeater,750 ml,19.00,3,1,gin\n"


async def test_a_csv_shared_in_the_channel_is_imported(sw: SlackWorld) -> None:
    sw.slack.share_file(CHANNEL, "products.csv", PRODUCTS)

    answer = await sw.ask("product import products.csv", user=ADMIN)

    assert answer["text"].startswith("imported products.csv: products 1 added"), answer["text"]
    assert "Beefeater" in await product_names(sw)
    assert sw.slack.calls_to("files.list")[0].params["channel"] == CHANNEL


async def test_a_file_nobody_shared_is_named_and_nothing_changes(sw: SlackWorld) -> None:
    answer = await sw.ask("product import products.csv", user=ADMIN)

    assert answer["text"].startswith(":warning:")
    assert "no file named products.csv was shared in this channel" in text_of(answer)


async def test_a_non_manager_cannot_import(sw: SlackWorld) -> None:
    sw.slack.share_file(CHANNEL, "products.csv", PRODUCTS)

    answer = await sw.ask("product import products.csv", user=STAFF)

    assert answer["text"].startswith(":warning:") and "manager" in answer["text"]
    assert "Beefeater" not in await product_names(sw)
    assert sw.slack.calls_to("files.list") == []


async def test_products_csv_is_uploaded_to_the_channel(sw: SlackWorld) -> None:
    answer = await sw.ask("products --csv", user=STAFF)

    assert "products.csv" in answer["text"]
    (upload,) = await sw.slack.wait_for_uploads("products.csv")
    assert upload.channel_id == CHANNEL and upload.data is not None
    assert upload.data.decode().startswith("name,container,cost,par,reorder,category,vendor\n")
    assert "Tito's Vodka,750 ml,22.50" in upload.data.decode()


async def test_the_review_queue_comes_with_accept_and_edit_buttons(sw: SlackWorld) -> None:
    answer = await sw.ask("review", user=STAFF)

    buttons = [
        element
        for block in answer["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    values = [b["value"] for b in buttons]
    assert 'review accept "Tito\'s Soda"' in values and 'map "Tito\'s Soda"' in values
    assert len(answer["blocks"]) <= 50 and all(
        len(block["elements"]) <= 25 for block in answer["blocks"] if block["type"] == "actions"
    )

    accepted = await sw.ask('review accept "Tito\'s Soda"', user=ADMIN)
    assert accepted["text"].startswith("mapped 1 from the review queue"), accepted["text"]
    unmapped = await sw.ask("unmapped --json", user=STAFF)
    assert "Tito's Soda" not in json.dumps(unmapped.get("blocks", []))


async def test_a_count_sheet_goes_out_as_a_file_and_comes_back_as_one_count(
    sw: SlackWorld,
) -> None:
    """The paper count in Slack: the sheet is uploaded, filled in a spreadsheet, shared back and
    imported as one count session, through the same file source as every import."""
    answer = await sw.ask("count sheet counts.csv", user=STAFF)
    assert "count import counts.csv" in answer["text"]
    (upload,) = await sw.slack.wait_for_uploads("counts.csv")
    assert upload.channel_id == CHANNEL and upload.data is not None
    header, *rows = upload.data.decode().splitlines()
    assert header == "product,category,container,expected,amount"
    filled = [header] + [row + "3" if row.startswith("Tito's Vodka,") else row for row in rows]
    sw.slack.share_file(CHANNEL, "counts.csv", "\n".join(filled).encode())

    refused = await sw.ask("count import counts.csv", user=STAFF)
    assert refused["text"].startswith(":warning:") and "manager" in refused["text"]

    answer = await sw.ask("count import counts.csv", user=ADMIN)
    assert answer["text"].startswith("counted 1 product at "), answer["text"]
    stock = await reports.stock(sw.world.db.unit_of_work, sw.world.clock, "downtown")
    (tito,) = [row for row in stock.rows if row.product.name == "Tito's Vodka"]
    assert tito.on_hand_containers == 3 and tito.last_count_at is not None
