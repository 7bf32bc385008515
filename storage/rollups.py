"""Keeping the daily rollups and the unmapped tally current, inside the booking transaction.

`daily_item_sales` (venue, business day, POS item), `daily_product_usage` (venue, business day,
product) and `daily_receipts` (venue, business day) are added to with INSERT ... ON CONFLICT DO
UPDATE; refunds add negative amounts on their own business day. Rows are upserted in key order so
two concurrent bookings lock them in the same order.

A cell never passes `engine.bounds` (`MAX_CELL_*`, CHECK constraints since revision 0007): what a
write adds is checked first (so nothing bound is out of 64 bits), and a sum the CHECK refuses
raises `InvalidInput`, so the booking that would pass the bound fails once, with its reason,
instead of poisoning the day (docs/limits.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, case
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from engine import bounds
from engine.depletion import Unmapped
from engine.errors import InvalidInput
from engine.venue import VenueId
from storage.dialects import InsertFor, prepared
from storage.tables import (
    daily_item_sales,
    daily_product_usage,
    daily_receipts,
    unmapped_tallies,
)


@dataclass
class Rollup:
    """What one booking adds to one business day's rollups."""

    day: date
    receipts: int = 0
    items: dict[int, list[int]] = field(default_factory=dict)
    """POS item row -> [quantity, net_amount, cogs, lines]."""
    usage: dict[int, list[int]] = field(default_factory=dict)
    """Product -> [quantity, cogs]."""

    def add_item(self, pos_item: int, quantity: int, net: int, cogs: int, lines: int) -> None:
        total = self.items.setdefault(pos_item, [0, 0, 0, 0])
        for i, value in enumerate((quantity, net, cogs, lines)):
            total[i] += value

    def add_usage(self, product: int, quantity: int, cogs: int) -> None:
        total = self.usage.setdefault(product, [0, 0])
        total[0] += quantity
        total[1] += cogs


ITEM_SUMS = ("quantity", "net_amount", "cogs", "lines")


def _item_upsert(insert: InsertFor) -> Any:
    statement = insert(daily_item_sales)
    return statement.on_conflict_do_update(
        index_elements=[
            daily_item_sales.c.venue_id,
            daily_item_sales.c.business_day,
            daily_item_sales.c.pos_item_id,
        ],
        set_={c: daily_item_sales.c[c] + statement.excluded[c] for c in ITEM_SUMS},
    )


def _usage_upsert(insert: InsertFor) -> Any:
    statement = insert(daily_product_usage)
    return statement.on_conflict_do_update(
        index_elements=[
            daily_product_usage.c.venue_id,
            daily_product_usage.c.business_day,
            daily_product_usage.c.product_id,
        ],
        set_={
            "quantity": daily_product_usage.c.quantity + statement.excluded.quantity,
            "cogs": daily_product_usage.c.cogs + statement.excluded.cogs,
        },
    )


def _receipts_upsert(insert: InsertFor) -> Any:
    statement = insert(daily_receipts)
    return statement.on_conflict_do_update(
        index_elements=[daily_receipts.c.venue_id, daily_receipts.c.business_day],
        set_={"receipts": daily_receipts.c.receipts + statement.excluded.receipts},
    )


async def write_rollup(connection: AsyncConnection, venue_id: VenueId, rollup: Rollup) -> None:
    await write_rollups(connection, venue_id, [rollup])


async def write_rollups(
    connection: AsyncConnection, venue_id: VenueId, rollups: Iterable[Rollup]
) -> None:
    """Add each day's sums: one upsert per rollup table, its rows in key order. Raises
    `InvalidInput` when a cell would pass its bound (nothing of it is written then)."""
    days = sorted(rollups, key=lambda r: r.day)
    _within_bounds(days)
    try:
        await _upsert(connection, venue_id, days)
    except IntegrityError:
        raise InvalidInput(
            "this would take a day's sales or usage past barback's limit for one day",
            hint="see docs/limits.md; the receipt is refused, the day's books stay as they were",
        ) from None


_LIMITS = (bounds.MAX_CELL_QUANTITY, bounds.MAX_CELL_AMOUNT, bounds.MAX_CELL_COGS)


def _within_bounds(days: Sequence[Rollup]) -> None:
    for r in days:
        sums = [(v, _LIMITS[i]) for t in r.items.values() for i, v in enumerate(t[:3])]
        sums += [(t[0], _LIMITS[0]) for t in r.usage.values()]
        sums += [(t[1], _LIMITS[2]) for t in r.usage.values()]
        if any(abs(value) > limit for value, limit in sums):
            raise InvalidInput(
                f"these receipts would add more to {r.day} than barback keeps for one day",
                hint="see docs/limits.md",
            )


async def _upsert(connection: AsyncConnection, venue_id: VenueId, days: Sequence[Rollup]) -> None:
    items = [
        {
            "venue_id": venue_id,
            "business_day": r.day,
            "pos_item_id": item,
            **dict(zip(ITEM_SUMS, r.items[item], strict=True)),
        }
        for r in days
        for item in sorted(r.items)
    ]
    if items:
        await connection.execute(prepared(connection, _item_upsert), items)
    usage = [
        {
            "venue_id": venue_id,
            "business_day": r.day,
            "product_id": product,
            "quantity": r.usage[product][0],
            "cogs": r.usage[product][1],
        }
        for r in days
        for product in sorted(r.usage)
    ]
    if usage:
        await connection.execute(prepared(connection, _usage_upsert), usage)
    counted = [
        {"venue_id": venue_id, "business_day": r.day, "receipts": r.receipts}
        for r in days
        if r.receipts
    ]
    if counted:
        await connection.execute(prepared(connection, _receipts_upsert), counted)


def _later(table: Table, excluded: Any, column: str) -> ColumnElement[datetime]:
    return case((excluded[column] > table.c[column], excluded[column]), else_=table.c[column])


def _earlier(table: Table, excluded: Any, column: str) -> ColumnElement[datetime]:
    return case((excluded[column] < table.c[column], excluded[column]), else_=table.c[column])


def _tally_upsert(insert: InsertFor) -> Any:
    statement = insert(unmapped_tallies)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[
            unmapped_tallies.c.venue_id,
            unmapped_tallies.c.kind,
            unmapped_tallies.c.provider,
            unmapped_tallies.c.external_id,
        ],
        set_={
            "seen": unmapped_tallies.c.seen + excluded.seen,
            "name": excluded.name,
            "first_seen": _earlier(unmapped_tallies, excluded, "first_seen"),
            "last_seen": _later(unmapped_tallies, excluded, "last_seen"),
        },
    )


async def tally(connection: AsyncConnection, venue_id: VenueId, seen: Sequence[Unmapped]) -> None:
    """Count each unmapped sighting once (the POS item or modifier itself is recorded by
    `SqlPosRepository.saw` in the same transaction)."""
    grouped: dict[tuple[str, str, str], list[Unmapped]] = {}
    for sighting in seen:
        key = (sighting.kind.value, sighting.provider, sighting.external_id)
        grouped.setdefault(key, []).append(sighting)
    if not grouped:
        return
    await connection.execute(
        prepared(connection, _tally_upsert),
        [
            {**_seen_row(venue_id, group), "kind": key[0], "seen": len(group)}
            for key, group in sorted(grouped.items())
        ],
    )


def _seen_row(venue_id: VenueId, group: Sequence[Unmapped]) -> dict[str, object]:
    latest = max(group, key=lambda s: s.seen_at)
    return {
        "venue_id": venue_id,
        "provider": latest.provider,
        "external_id": latest.external_id,
        "name": latest.name,
        "first_seen": min(s.seen_at for s in group),
        "last_seen": latest.seen_at,
    }
