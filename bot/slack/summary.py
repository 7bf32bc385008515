"""The daily summary in Slack: the message, the chart in its thread, `post_summary` for
`summary post [<date>]`, and `SummaryScheduler`, which posts each venue's scheduled summary once.

The message is posted with `chat.postMessage` (blocks, plus message metadata naming venue and
day), then the sales chart is uploaded in its thread with `files_upload_v2` (the bot must be in
the channel: slack-platform.md §4.3). How a scheduled run stays exactly once across schedulers,
restarts and crashes is `engine/summary.py`'s docstring; this module walks its phases.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts import render_png_async
from bot.commands import formats as f
from bot.commands.replies import ChartSpec
from bot.commands.views.sales import sales_chart
from bot.slack.blocks import SlackMessage, escape, fallback, section_blocks
from bot.slack.errors import NOT_INSTALLED, describe, error_code, is_final
from bot.slack.files import post_chart
from bot.slack.loops import LoopHealth, repeat
from bot.slack.notify import ClientFor, dispatcher_name
from engine.errors import InvalidInput
from engine.money import percent
from engine.ports import Clock, UnitOfWorkFactory
from engine.summary import SUMMARY_JOB, DailySummary, JobRun, JobRuns, RunPhase, due_day
from engine.usecases.common import VenueRef, load_venue
from engine.usecases.notify import daily_summary
from engine.venue import Venue

__all__ = ["PostedSummary", "SummaryScheduler", "post_summary", "summary_message"]

logger = logging.getLogger(__name__)

Render = Callable[[ChartSpec], Awaitable[bytes]]
METADATA_EVENT = "barback_summary"
MAX_HEADER = 150
RETRY_DELAY = timedelta(minutes=2)
LEASE_SECONDS = 600.0  # far longer than a post and an upload, retries included
MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class PostedSummary:
    channel: str
    day: date
    ts: str
    file_id: str | None


def _change(now: int, before: int) -> str:
    pct = percent(now - before, before)
    if pct is None:
        return "no sales a week before"
    arrow = ":arrow_up_small:" if pct > 0 else ":arrow_down_small:" if pct < 0 else "="
    return f"{arrow} {f.pct_text(abs(pct))} vs a week before"


def summary_message(summary: DailySummary) -> SlackMessage:
    """The summary's text: totals, the week-before change, top items, a data-quality line."""
    s, w, venue = summary.sales, summary.week_before, summary.venue
    day = f"{summary.day:%a} {f.day(summary.day)}"
    change = _change(s.net_sales.minor, w.net_sales.minor)
    fields = [
        f"*Net sales*\n{f.money_text(s.net_sales, venue)} ({change})",
        f"*COGS*\n{f.money_text(s.cogs, venue)}",
        f"*Pour cost*\n{f.pct_text(s.pour_cost_pct)}",
        f"*Gross profit*\n{f.money_text(s.gross_profit, venue)}",
        f"*Receipts*\n{s.receipts} ({w.receipts} on {w.first:%a} {f.day(w.first)})",
    ]
    top = [
        f"{n}. {escape(i.pos_item.name)}: {f.units_sold(i.quantity)} sold, "
        f"{f.money_text(i.net_sales, venue)}"
        for n, i in enumerate(s.items[:5], start=1)
    ]
    q = summary.quality
    since = summary.days_since_count
    quality = (
        f"Data quality: {q.unmapped_lines} unmapped sale line{'s' if q.unmapped_lines != 1 else ''}"
        f" not recorded · webhook events {q.events_failed} failed, {q.events_pending} pending · "
        + (
            "never counted"
            if since is None
            else f"last count {since} day{'s' if since != 1 else ''} ago"
        )
    )
    title = f"{venue.name}: {day}"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title if len(title) <= MAX_HEADER else day)),
        *(section_blocks(f"*{escape(venue.name)}*") if len(title) > MAX_HEADER else []),
        SectionBlock(fields=[MarkdownTextObject(text=t) for t in fields]),
        *section_blocks("*Top items*\n" + ("\n".join(top) or "_no sales_")),
        ContextBlock(elements=[MarkdownTextObject(text=quality)]),
    ]
    text = (
        f"{escape(venue.name)} {day}: net sales {f.money_text(s.net_sales, venue)}, "
        f"pour cost {f.pct_text(s.pour_cost_pct)}, {s.receipts} receipts"
    )
    return SlackMessage(text=fallback(text), blocks=tuple(b.to_dict() for b in blocks))


async def _post_message(client: AsyncWebClient, channel: str, summary: DailySummary) -> str:
    message = summary_message(summary)
    response = await client.chat_postMessage(
        channel=channel,
        unfurl_links=False,
        metadata={
            "event_type": METADATA_EVENT,
            "event_payload": {"venue": summary.venue.slug, "day": summary.day.isoformat()},
        },
        **message.payload(),
    )
    return str(response["ts"])


async def _post_chart(
    client: AsyncWebClient, channel: str, summary: DailySummary, ts: str, render: Render
) -> str:
    spec = sales_chart(summary.sales)
    png = await render(spec)
    return await post_chart(client, channel_id=channel, png=png, spec=spec, thread_ts=ts)


async def post_summary(
    client: AsyncWebClient,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    day: date | None = None,
    channel: str | None = None,
    render: Render = render_png_async,
) -> PostedSummary:
    """`summary post [<date>]`: post the summary of `day` (default: the last full business day)
    now, to `channel` or the venue's summary channel, with the chart in its thread. Not a
    scheduled run: it posts whenever asked. Raises `InvalidInput` without a channel; Slack's
    errors propagate (the caller reports them)."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        settings = await uow.settings.get(place.id)
    target = channel or settings.summary_channel
    if not target:
        raise InvalidInput("no summary channel is set", hint="e.g. summary 09:00 #bar-managers")
    summary = await daily_summary(uow_factory, clock, place.id, day)
    ts = await _post_message(client, target, summary)
    file_id = await _post_chart(client, target, summary, ts, render)
    return PostedSummary(target, summary.day, ts, file_id)


class SummaryScheduler:
    """Posts each venue's scheduled summary once per business day (see `engine/summary.py`)."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        runs: JobRuns,
        client_for: ClientFor,
        clock: Clock,
        *,
        render: Render = render_png_async,
        owner: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        poll_seconds: float = 30.0,
        health: LoopHealth | None = None,
    ) -> None:
        self.owner = owner or dispatcher_name()
        self._health = health
        self._uow_factory = uow_factory
        self._runs = runs
        self._client_for = client_for
        self._clock = clock
        self._render = render
        self._lease_seconds = lease_seconds
        self._poll_seconds = poll_seconds

    async def run(self, stop: asyncio.Event) -> None:
        await repeat(
            stop,
            self.run_once,
            every=self._poll_seconds,
            what="summary scheduler",
            logger=logger,
            max_backoff=MAX_BACKOFF_SECONDS,
            health=self._health,
        )

    async def run_once(self) -> list[JobRun]:
        """Claim and work every venue's due summary; the runs this call finished."""
        now = self._clock.now()
        async with self._uow_factory() as uow:
            venues = [v for v in await uow.venues.list() if v.archived_at is None]
            schedules = [(v, await uow.settings.get(v.id)) for v in venues]
        finished = []
        for venue, settings in schedules:
            day = due_day(venue, settings.summary_time, now)
            if day is None or not settings.summary_channel:
                continue
            run = await self._runs.claim_run(
                SUMMARY_JOB, venue.id, day, self.owner, self._lease_seconds, now
            )
            if run is None:
                continue
            try:
                if await self._work(run, venue, settings.summary_channel):
                    finished.append(run)
            except Exception:
                # Left at its phase with its lease: resumed after the lease, never repeated blind.
                logger.exception("summary run failed", extra={"venue": venue.slug})
        return finished

    async def _work(self, run: JobRun, venue: Venue, channel: str) -> bool:
        client = await self._client_for(venue.id)
        if client is None:
            return await self._give_up(run, venue, NOT_INSTALLED)
        summary = await daily_summary(self._uow_factory, self._clock, venue.id, run.day)
        ts = run.slack_ts
        phase = run.phase
        if phase is RunPhase.POSTING:
            known, ts = await _find_posted(client, channel, summary, run)
            if not known:
                return await self._advance(
                    run, RunPhase.DONE, note="resumed after a crash while posting: not re-posted"
                )
            phase = RunPhase.CLAIMED if ts is None else RunPhase.POSTED
        if phase is RunPhase.CLAIMED:
            if not await self._advance(run, RunPhase.POSTING):
                return False
            try:
                ts = await _post_message(client, channel, summary)
            except SlackApiError as error:  # Slack answered: nothing was posted
                if is_final(error_code(error)):
                    return await self._give_up(run, venue, describe(error))
                await self._release(run, describe(error), RunPhase.CLAIMED)
                return False
            phase = RunPhase.POSTED
            if not await self._advance(run, phase, slack_ts=ts):
                return False
        if phase is RunPhase.UPLOADING:
            return await self._advance(
                run, RunPhase.DONE, note="resumed after a crash while uploading: chart not re-sent"
            )
        assert ts is not None
        if not await self._advance(run, RunPhase.UPLOADING, slack_ts=ts):
            return False
        try:
            await _post_chart(client, channel, summary, ts, self._render)
        except (SlackApiError, SlackClientError, aiohttp.ClientError) as error:
            # The upload's steps are not all-or-nothing; the text is out, the chart is skipped.
            logger.warning("summary chart not uploaded: %s", error, extra={"venue": venue.slug})
            return await self._advance(run, RunPhase.DONE, note=f"chart not uploaded: {error}")
        return await self._advance(run, RunPhase.DONE)

    async def _advance(
        self, run: JobRun, phase: RunPhase, *, slack_ts: str | None = None, note: str | None = None
    ) -> bool:
        held = await self._runs.advance(
            run, self.owner, phase, self._clock.now(), slack_ts=slack_ts, note=note
        )
        if not held:
            logger.warning("summary run lost its lease", extra={"venue": run.venue_id})
        return held

    async def _give_up(self, run: JobRun, venue: Venue, error: str) -> bool:
        """Slack will not take this summary however often we ask (`bot.slack.errors`): the run
        ends now, saying why, instead of trying again every few minutes all day."""
        logger.error("summary not posted, not retried: %s", error, extra={"venue": venue.slug})
        return await self._advance(run, RunPhase.DONE, note=f"not posted: {error}")

    async def _release(self, run: JobRun, error: str, phase: RunPhase) -> None:
        retry_at = self._clock.now() + RETRY_DELAY
        await self._runs.release(run, self.owner, retry_at, error, phase=phase)


async def _find_posted(
    client: AsyncWebClient, channel: str, summary: DailySummary, run: JobRun
) -> tuple[bool, str | None]:
    """Whether Slack could tell, and the ts of this run's summary if the channel shows it
    (matched by its metadata). (False, None) when not knowable: no `channels:history` scope, or
    Slack down; then the caller must not post again."""
    oldest = f"{run.started_at.timestamp() - 60:.6f}"
    try:
        response = await client.conversations_history(
            channel=channel, oldest=oldest, include_all_metadata=True, limit=200
        )
    except (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError):
        return False, None
    if response.get("has_more"):
        return False, None  # a busy channel: the summary may be further back than one page
    wanted = {"venue": summary.venue.slug, "day": summary.day.isoformat()}
    for message in response.get("messages") or []:
        meta = message.get("metadata") or {}
        if meta.get("event_type") == METADATA_EVENT and meta.get("event_payload") == wanted:
            return True, str(message["ts"])
    return True, None
