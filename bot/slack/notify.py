"""`SlackNotifier`: the outbox dispatcher. Claims due alert rows, posts them with
`chat.postMessage`, records the outcome; retried from the database across Slack outages.

- A venue's waiting UNMAPPED rows go out as one message (the claim gathers them).
- A RESTOCKED follow-up goes in the thread of the LOW STOCK alert it follows (`thread_of`): while
  that alert is unsent the follow-up waits (no attempt counted); if it failed for good, the
  follow-up is posted in the channel.
- Slack answering 429 (after the client's own retries) puts the row back until Retry-After; other
  error answers and connection failures back off (`engine.alerts.OUTBOX_RETRY`). An answer no
  retry can fix (`bot.slack.errors`: the token revoked or the app uninstalled, a message refused
  for its content, an archived channel) fails the row at once, with the reason in the row and one
  line in the log; so does a venue whose workspace has no installation any more. Channel
  problems (`not_in_channel`, `channel_not_found`) are retried: inviting the bot fixes them.
- A long alert is several messages (`bot.slack.alert_blocks`), posted in order; the first one's
  ts is the row's (the thread its follow-ups go in).
- Alerts are at least once: a dispatcher that dies between Slack's answer and recording it leaves
  the row to be sent again after its lease. The window is one HTTP round trip; a repeated alert
  is a nuisance, a lost one is not acceptable. (The daily summary is exactly once: see
  `bot.slack.summary`.)
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.alert_blocks import render_alert
from bot.slack.client import build_web_client
from bot.slack.errors import NOT_INSTALLED, describe, error_code, is_final
from bot.slack.loops import LoopHealth, repeat
from engine.alerts import AlertKind, Delivered, Outbox, OutboxMessage, OutboxState
from engine.venue import VenueId

__all__ = ["ClientFor", "SlackNotifier", "WorkspaceClients", "dispatcher_name"]

logger = logging.getLogger(__name__)

ClientFor = Callable[[VenueId], Awaitable[AsyncWebClient | None]]
"""The Web API client holding the bot token of a venue's workspace (None: Slack not installed)."""

PARENT_WAIT = timedelta(seconds=5)


def dispatcher_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SlackNotifier:
    def __init__(
        self,
        outbox: Outbox,
        client_for: ClientFor,
        now: Callable[[], datetime],
        *,
        owner: str | None = None,
        batch: int = 20,
        lease_seconds: float = 120.0,
        poll_seconds: float = 2.0,
        health: LoopHealth | None = None,
    ) -> None:
        self.owner = owner or dispatcher_name()
        self._health = health
        self._outbox = outbox
        self._client_for = client_for
        self._now = now
        self._batch = batch
        self._lease_seconds = lease_seconds
        self._poll_seconds = poll_seconds

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set; a failing claim (database down) backs off."""
        await repeat(
            stop,
            self.run_once,
            every=self._poll_seconds,
            what="outbox dispatcher",
            logger=logger,
            health=self._health,
        )

    async def run_once(self) -> Delivered:
        """Claim one batch and deliver it."""
        done = Delivered()
        messages = await self._outbox.claim(
            self._batch, self.owner, self._lease_seconds, self._now()
        )
        for group in _groups(messages):
            await self._deliver(group, done)
        return done

    async def drain(self) -> Delivered:
        """Deliver until nothing is due (tests, `barback worker --once`)."""
        total = Delivered()
        while True:
            done = await self.run_once()
            total.sent.extend(done.sent)
            total.failed.extend(done.failed)
            total.deferred.extend(done.deferred)
            if not (done.sent or done.failed or done.deferred):
                return total
            if done.deferred and not (done.sent or done.failed):
                return total

    async def _deliver(self, group: Sequence[OutboxMessage], done: Delivered) -> None:
        first = group[0]
        thread_ts: str | None = None
        if first.kind is AlertKind.RESTOCKED:
            parent_id = first.payload.get("thread_of")
            parent = await self._outbox.get(int(str(parent_id))) if parent_id else None
            if parent is not None and parent.state is OutboxState.PENDING:
                await self._outbox.defer(first.id, self.owner, self._now() + PARENT_WAIT)
                done.deferred.append(first.id)
                return
            thread_ts = None if parent is None else parent.slack_ts
        client = await self._client_for(first.venue_id)
        if client is None:
            await self._failed(group, NOT_INSTALLED, done, final=True)
            return
        ts: str | None = None
        try:
            for part in render_alert(first.kind, [m.payload for m in group]):
                response = await client.chat_postMessage(
                    channel=str(first.payload["channel"]),
                    thread_ts=thread_ts,
                    unfurl_links=False,
                    **part.payload(),
                )
                ts = ts or str(response["ts"])
        except SlackApiError as error:
            await self._failed(
                group,
                describe(error),
                done,
                not_before=self._retry_after(error),
                final=is_final(error_code(error)),
            )
            return
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
            await self._failed(group, f"Slack unreachable: {type(error).__name__}", done)
            return
        assert ts is not None  # render_alert gives one message at least
        for m in group:
            await self._outbox.mark_sent(m.id, self.owner, ts, self._now())
            done.sent.append(m.id)

    async def _failed(
        self,
        group: Sequence[OutboxMessage],
        error: str,
        done: Delivered,
        *,
        not_before: datetime | None = None,
        final: bool = False,
    ) -> None:
        extra = {"venue": group[0].venue_id, "kind": group[0].kind, "rows": [m.id for m in group]}
        if final:
            logger.error("alert failed for good, not retried: %s", error, extra=extra)
        else:
            logger.warning("alert not delivered, will retry: %s", error, extra=extra)
        for m in group:
            await self._outbox.mark_failed(
                m.id, self.owner, error, self._now(), not_before=not_before, final=final
            )
            done.failed.append(m.id)

    def _retry_after(self, error: SlackApiError) -> datetime | None:
        response = error.response
        if response is None or response.status_code != 429:
            return None
        headers = {str(k).lower(): v for k, v in (response.headers or {}).items()}
        value = headers.get("retry-after")
        if isinstance(value, list):
            value = value[0] if value else None
        try:
            seconds = float(str(value))
        except ValueError:
            seconds = 1.0
        return self._now() + timedelta(seconds=seconds)


def _groups(messages: Sequence[OutboxMessage]) -> list[list[OutboxMessage]]:
    """One group per row, except a venue's UNMAPPED rows: one group, one message."""
    groups: list[list[OutboxMessage]] = []
    unmapped: dict[int, list[OutboxMessage]] = {}
    for m in messages:
        if m.kind is AlertKind.UNMAPPED:
            if m.venue_id not in unmapped:
                unmapped[m.venue_id] = []
                groups.append(unmapped[m.venue_id])
            unmapped[m.venue_id].append(m)
        else:
            groups.append([m])
    return groups


class WorkspaceClients:
    """`ClientFor` for both Slack modes: one workspace (the bot token), or many (the venue's
    claiming workspace's bot token from the installation store, one client per token)."""

    def __init__(
        self,
        *,
        token: str | None,
        api_url: str | None,
        team_of: Callable[[VenueId], Awaitable[str | None]] | None = None,
        installations: AsyncInstallationStore | None = None,
    ) -> None:
        self._token = token
        self._api_url = api_url
        self._team_of = team_of
        self._installations = installations
        self._clients: dict[str, AsyncWebClient] = {}

    async def __call__(self, venue_id: VenueId) -> AsyncWebClient | None:
        token = self._token
        if token is None and self._team_of is not None and self._installations is not None:
            team = await self._team_of(venue_id)
            bot = (
                None
                if team is None
                else await self._installations.async_find_bot(enterprise_id=None, team_id=team)
            )
            token = None if bot is None else bot.bot_token
        if token is None:
            return None
        if token not in self._clients:
            self._clients[token] = build_web_client(token, api_url=self._api_url)
        return self._clients[token]

    async def close(self) -> None:
        for client in self._clients.values():
            if client.session is not None:
                await client.session.close()
        self._clients.clear()
