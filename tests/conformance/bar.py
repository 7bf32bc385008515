"""The kit's bar: a venue set up for the night, the real app serving it, and its books.

`open_bar` builds, in a real database (SQLite or PostgreSQL): the venue `downtown` (New York,
USD), four products, a shot, the night's items and modifiers as the adapter's POS names them
(`item_key`), the two mappings and the two modifier rules; then the real app (webhook routes,
inbox writer, worker; no scheduled job: the cases run reconciliation themselves) on the aiohttp
test server with the adapter's settings; then `adapter.connect(bar)`.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

from aiohttp import web
from cryptography.fernet import Fernet
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func, select

from app.webhooks import retry_key, run_jobs_key
from engine.inbox import RetryPolicy, StoredEvent
from engine.records import PosKind
from engine.usecases import catalog, reports
from engine.usecases.periods import Period
from engine.usecases.rules import MultiplyRule, SwapRule
from engine.venue_admin import add_venue, venue_secret
from storage.database import Database
from storage.inbox import SqlInbox
from storage.tables import webhook_events
from tests.app.webhook_world import Client, webhook_app
from tests.conformance.adapter import Delivery, PosAdapter
from tests.conformance.night import (
    CURRENCY,
    ITEMS,
    MODIFIERS,
    ZONE,
    Books,
    Night,
    the_night,
)
from tests.engine.usecases_world import ACTOR, FakeClock, ing, q, usd

KEY = Fernet.generate_key().decode()
"""`BARBACK_SECRET_KEY`: signs connect links and OAuth states, encrypts POS tokens."""
PUBLIC_URL = "https://bar.example.com"
VENUE = "downtown"
SETTLE_SECONDS = 30.0  # generous: a shared 2-core machine; the wait ends as soon as it is done

Json = dict[str, Any]


@dataclass
class Bar:
    db: Database
    app: web.Application
    client: Client
    venue: str
    venue_id: int
    secret: str
    """The venue's generic webhook secret."""
    night: Night
    clock: FakeClock = field(default_factory=FakeClock)
    """Where the set-up happened (the afternoon before the night); reports read at `now`."""

    async def post(self, delivery: Delivery) -> tuple[int, Json]:
        # Through a stream: aiohttp warns that a large raw body would hold the event loop.
        body = io.BytesIO(delivery.body)
        response = await self.client.post(delivery.path, data=body, headers=dict(delivery.headers))
        try:
            answer = await response.json(content_type=None)
        except ValueError:
            answer = {"text": await response.text()}
        return response.status, answer if isinstance(answer, dict) else {"answer": answer}

    async def post_all(self, deliveries: list[Delivery]) -> list[int]:
        """One after the other; the statuses."""
        return [(await self.post(delivery))[0] for delivery in deliveries]

    async def race(self, deliveries: list[Delivery]) -> list[int]:
        """All at once; the statuses."""
        answers = await asyncio.gather(*(self.post(delivery) for delivery in deliveries))
        return [status for status, _ in answers]

    async def stored(self, *, state: str | None = None) -> int:
        query = select(func.count()).select_from(webhook_events)
        if state is not None:
            query = query.where(webhook_events.c.state == state)
        async with self.db.engine.connect() as connection:
            return int(await connection.scalar(query) or 0)

    async def events(self) -> list[StoredEvent]:
        return list(await SqlInbox(self.db.engine).list(limit=500))

    async def settled(self, *, timeout: float = SETTLE_SECONDS) -> None:
        """Wait until the worker has processed every stored event (none pending)."""
        deadline = time.monotonic() + timeout
        while await self.stored(state="pending"):
            if time.monotonic() > deadline:
                pending = [e for e in await self.events() if e.state.value == "pending"]
                raise AssertionError(f"events still pending: {pending}")
            await asyncio.sleep(0.05)

    async def books(self) -> Books:
        uow = self.db.unit_of_work
        now = FakeClock(datetime.now(UTC))
        day = self.night.business_day.date()
        sales = await reports.sales(uow, now, self.venue, Period("day", day, day), top=50)
        stock = await reports.stock(uow, now, self.venue)
        unmapped = await reports.unmapped(uow, self.venue)
        return Books(
            net_sales=sales.net_sales.minor,
            refunds=sales.refunds.minor,
            cogs=sales.cogs.micro,
            receipts=sales.receipts,
            lines=sales.lines,
            items=tuple(
                sorted(
                    (i.pos_item.name, i.quantity, i.net_sales.minor, i.cogs.micro)
                    for i in sales.items
                )
            ),
            on_hand=tuple(sorted((r.product.name, r.on_hand.milli) for r in stock.rows)),
            unmapped_items=tuple(sorted((s.name, s.seen) for s in unmapped.items)),
            unmapped_modifiers=tuple(sorted((s.name, s.seen) for s in unmapped.modifiers)),
        )

    async def metric(self, name: str, **labels: str) -> float:
        """A counter's value from `/metrics` (0 when the series was never touched)."""
        text = await (await self.client.get("/metrics")).text()
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name + "{") and line.split(" ")[0] != name:
                continue
            if all(f'{key}="{value}"' in line for key, value in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total


async def open_bar(database: Database, aiohttp_client: AiohttpClient, adapter: PosAdapter) -> Bar:
    night = the_night()
    # The afternoon before the night: mappings and rules are in effect when it closes.
    clock = FakeClock(night.business_day.replace(hour=12).astimezone(UTC))
    await _set_up(database, clock, adapter)
    env = {"BARBACK_SECRET_KEY": KEY, "PUBLIC_URL": PUBLIC_URL, **adapter.env()}
    app = webhook_app(database, env=env)
    app[retry_key] = RetryPolicy(first_delay=timedelta(milliseconds=50), max_attempts=8)
    app[run_jobs_key] = False
    client = await aiohttp_client(app)
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(VENUE)
    secret = await venue_secret(database.unit_of_work, VENUE)
    bar = Bar(database, app, client, VENUE, venue.id, secret, night, clock)
    await adapter.connect(bar)
    return bar


async def _set_up(db: Database, clock: FakeClock, adapter: PosAdapter) -> None:
    uow = db.unit_of_work
    await add_venue(
        uow, clock, slug=VENUE, name="Downtown", timezone=ZONE.key, currency=CURRENCY, actor=ACTOR
    )
    for name, cost in (
        ("Tito's Vodka", "$22.50"),
        ("Milagro Blanco", "$30.00"),
        ("Patron Silver", "$45.00"),
        ("Cointreau", "$36.00"),
    ):
        await catalog.add_product(
            uow, clock, VENUE, name=name, container=q("750 ml"), cost=usd(cost), actor=ACTOR
        )
    await catalog.set_serving(uow, clock, VENUE, name="shot", quantity=q("1.5 oz"), actor=ACTOR)
    # The POS's own ids, as its first receipts (or its menu) would make them known.
    async with db.unit_of_work() as work:
        venue = await work.venues.get(VENUE)
        for item in ITEMS:
            await work.catalog.add_pos_thing(
                venue.id, PosKind.ITEM, adapter.name, adapter.item_key(item), item.name, clock.now()
            )
        for modifier in MODIFIERS:
            key = adapter.modifier_key(modifier)
            await work.catalog.add_pos_thing(
                venue.id, PosKind.MODIFIER, adapter.name, key, modifier.name, clock.now()
            )
        await work.commit()
    clock.advance(minutes=1)
    await catalog.map_item(
        uow, clock, VENUE, pos_item="Tito's Shot", items=[ing("1 shot", "tito")], actor=ACTOR
    )
    await catalog.map_item(
        uow,
        clock,
        VENUE,
        pos_item="Margarita",
        items=[ing("1.5 oz", "milagro"), ing("0.75 oz", "cointreau")],
        actor=ACTOR,
    )
    await catalog.set_modifier_rule(
        uow, clock, VENUE, modifier="Double", rule=MultiplyRule(Fraction(2)), actor=ACTOR
    )
    await catalog.set_modifier_rule(
        uow, clock, VENUE, modifier="Top Shelf", rule=SwapRule("milagro", "patron"), actor=ACTOR
    )
    clock.advance(minutes=1)


def compact(value: object) -> bytes:
    """JSON as POS servers send it: no spaces."""
    return json.dumps(value, separators=(",", ":")).encode()
