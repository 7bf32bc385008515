"""A bar with a mapped drink, the real app with the webhook path, and signed generic deliveries."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.web import create_app
from app.webhooks import run_worker_key
from engine.reports import SalesReport, StockReport
from engine.usecases import catalog, reports
from engine.usecases.periods import Period
from engine.venue_admin import venue_secret
from integrations.generic.verify import HEADER, sign
from storage.database import Database
from storage.tables import webhook_events
from tests.engine.usecases_world import ACTOR, World, ing, make_world, q, usd

Client = TestClient[web.Request, web.Application]
RECEIPTS_DAY = date(2026, 11, 21)
"""The business day of `closed` receipts (and of the worlds' fake clocks)."""
Json = dict[str, Any]


async def generic_bar(db: Database, venue: str = "downtown") -> tuple[World, str]:
    """Tito's (750 ml, $22.50), a 1.5 oz shot, `Tito's Shot` mapped to one shot; the secret."""
    world = await make_world(db, venue=venue)
    uow, clock = db.unit_of_work, world.clock
    await catalog.add_product(
        uow, clock, venue, name="Tito's Vodka", container=q("750 ml"), cost=usd("$22.50"),
        actor=ACTOR,
    )  # fmt: skip
    await catalog.set_serving(uow, clock, venue, name="shot", quantity=q("1.5 oz"), actor=ACTOR)
    await catalog.map_item(
        uow, clock, venue, pos_item="Tito's Shot", items=[ing("1 shot", "tito")], actor=ACTOR
    )
    clock.advance(minutes=1)
    return world, await venue_secret(uow, venue)


def settings(env: dict[str, str] | None = None) -> Settings:
    return Settings.from_env({"DATABASE_URL": "sqlite+aiosqlite:///:memory:", **(env or {})})


def webhook_app(
    db: Database, *, worker: bool = True, env: dict[str, str] | None = None
) -> web.Application:
    app = create_app(settings(env), database=db)
    app[run_worker_key] = worker
    return app


def closed(
    n: int | str, *, lines: int = 1, quantity: str = "1", version: int | None = None
) -> Json:
    receipt: Json = {
        "id": f"R-{n}",
        "closed_at": "2026-11-21T21:00:00-05:00",
        "currency": "USD",
        "lines": [
            {"id": f"L{i}", "name": "Tito's Shot", "quantity": quantity, "net_amount": 800}
            for i in range(1, lines + 1)
        ],
    }
    if version is not None:
        receipt["version"] = version
    suffix = "" if version is None else f"-v{version}"
    return {"event_id": f"evt-{n}{suffix}", "type": "receipt.closed", "receipt": receipt}


def signed(secret: str, event: Json | bytes, *, age: int = 0) -> tuple[bytes, dict[str, str]]:
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    header = sign(secret, body, int(time.time()) - age)
    return body, {HEADER: header, "Content-Type": "application/json"}


async def post(client: Client, venue: str, secret: str, event: Json | bytes) -> tuple[int, Json]:
    body, headers = signed(secret, event)
    response = await client.post(f"/webhooks/generic/{venue}", data=body, headers=headers)
    return response.status, await response.json()


async def stored(db: Database, *, state: str | None = None) -> int:
    query = select(func.count()).select_from(webhook_events)
    if state is not None:
        query = query.where(webhook_events.c.state == state)
    async with db.engine.connect() as connection:
        return int(await connection.scalar(query) or 0)


async def settled(db: Database, *, timeout: float = 60.0) -> None:
    """Wait until no stored event is pending (the worker has processed everything)."""
    deadline = time.monotonic() + timeout
    while await stored(db, state="pending"):
        if time.monotonic() > deadline:
            raise AssertionError("events still pending")
        await asyncio.sleep(0.05)


@dataclass(frozen=True, slots=True)
class Books:
    receipts: int
    lines: int
    net_sales: int
    on_hand: tuple[tuple[str, int], ...]


async def books(world: World) -> Books:
    """Sales from the receipts' day to the real today: the app dates what a newer version
    corrects by its own (real) clock, when the version arrived."""
    uow = world.db.unit_of_work
    clock = world.clock
    days = Period("range", RECEIPTS_DAY, datetime.now(UTC).date() + timedelta(days=1))
    sales: SalesReport = await reports.sales(uow, clock, world.venue, days)
    stock: StockReport = await reports.stock(uow, clock, world.venue)
    return Books(
        receipts=sales.receipts,
        lines=sales.lines,
        net_sales=sales.net_sales.minor,
        on_hand=tuple((row.product.name, row.on_hand.milli) for row in stock.rows),
    )
