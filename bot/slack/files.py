"""Charts posted to Slack as files (`files_upload_v2`: the v1 `files.upload` is retired).

The upload goes to a channel, with the text summary as its comment or under a message's thread:
a file uploaded without a channel stays private to the bot and cannot be shown in blocks
reliably (slack-platform.md §4.3). The bot must be a member of the channel (`not_in_channel`).
"""

from __future__ import annotations

import re

from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.replies import ChartSpec, Document

__all__ = ["chart_filename", "post_chart", "post_document"]


def chart_filename(spec: ChartSpec) -> str:
    """`sales-2026-11-21.png` from a title like "Sales 2026-11-21"."""
    slug = re.sub(r"[^a-z0-9]+", "-", spec.title.lower()).strip("-") or "chart"
    return f"{slug[:80]}.png"


async def post_chart(
    client: AsyncWebClient,
    *,
    channel_id: str,
    png: bytes,
    spec: ChartSpec,
    comment: str | None = None,
    thread_ts: str | None = None,
) -> str:
    """Upload `png` (from `bot.charts.render_png(spec)`) to the channel; returns the file id."""
    response = await client.files_upload_v2(
        content=png,
        filename=chart_filename(spec),
        title=spec.title,
        alt_txt=spec.subtitle or spec.title,
        channel=channel_id,
        initial_comment=comment,
        thread_ts=thread_ts,
    )
    return str(response["file"]["id"])


async def post_document(client: AsyncWebClient, *, channel_id: str, document: Document) -> str:
    """Upload a reply's file (`products --csv`) to the channel; returns the file id."""
    response = await client.files_upload_v2(
        content=document.text.encode(),
        filename=document.filename,
        title=document.filename,
        channel=channel_id,
    )
    return str(response["file"]["id"])
