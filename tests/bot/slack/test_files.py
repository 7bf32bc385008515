"""A chart rendered by bot.charts reaches the channel through files_upload_v2."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.charts import render_png
from bot.commands.replies import ChartSpec
from bot.slack.files import chart_filename, post_chart
from tests.fakes.slack import FakeSlack

SPEC = ChartSpec(
    title="Sales 2026-11-21",
    currency="USD",
    x_labels=("18:00", "19:00", "20:00"),
    x_kind="hour",
    net_sales_minor=(12000, 0, 4550),
    pour_cost_pct=(18.5, None, 21.0),
    currency_exponent=2,
)


def test_filename() -> None:
    assert chart_filename(SPEC) == "sales-2026-11-21.png"


async def test_the_png_is_uploaded_to_the_channel(slack: FakeSlack, client: AsyncWebClient) -> None:
    png = render_png(SPEC)
    file_id = await post_chart(
        client, channel_id="C0BAR", png=png, spec=SPEC, comment="Yesterday: $165.50"
    )
    upload = slack.uploads[file_id]
    assert upload.data == png and upload.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert upload.filename == "sales-2026-11-21.png" and upload.title == SPEC.title
    assert (upload.channel_id, upload.initial_comment) == ("C0BAR", "Yesterday: $165.50")
    assert upload.alt_txt == SPEC.title
