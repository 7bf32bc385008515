"""A bar with alerts on, a fake Slack, and the outbox dispatcher pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.client import retry_handlers, web_api_base_url
from bot.slack.notify import SlackNotifier
from engine.usecases import ingest, settings
from engine.venue import VenueId
from storage.database import Database
from storage.outbox import SqlOutbox
from tests.engine.usecases_world import ACTOR, World, bar, line, make_world, receipt
from tests.fakes.slack import FakeSlack

ALERTS = "C0ALERTS"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def client(slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    # No in-client retries: the outbox's own retries are what these tests are about.
    web = AsyncWebClient(
        token=slack.token,
        base_url=web_api_base_url(slack.api_url),
        retry_handlers=retry_handlers(rate_limited=0, server_error=0, connection_error=0),
    )
    yield web
    if web.session is not None:
        await web.session.close()


@dataclass
class AlertWorld:
    world: World
    slack: FakeSlack
    notifier: SlackNotifier

    @property
    def db(self) -> Database:
        return self.world.db

    def posted(self) -> list[dict[str, object]]:
        return list(self.slack.messages.get(ALERTS, []))

    async def sell(self, rid: str, *lines: tuple[str, str, str, str]) -> None:
        w = self.world
        r = receipt(
            rid,
            w.clock.advance(minutes=1),
            *(line(f"L{n}", item, name, qty) for n, (item, name, qty, _) in enumerate(lines)),
        )
        await ingest.ingest_receipt(w.db.unit_of_work, w.clock, w.venue, r)


async def alert_world(db: Database, slack: FakeSlack, client: AsyncWebClient) -> AlertWorld:
    world = await bar(await make_world(db))
    await settings.set_alert_channel(
        db.unit_of_work, world.clock, world.venue, channel=f"#{ALERTS}", actor=ACTOR
    )

    async def client_for(_venue: VenueId) -> AsyncWebClient:
        return client

    notifier = SlackNotifier(SqlOutbox(db.engine), client_for, world.clock.now, owner="test")
    return AlertWorld(world, slack, notifier)
