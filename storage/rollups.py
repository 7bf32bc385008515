"""Keeping the daily rollups and the unmapped tally current, inside the booking transaction.

`daily_item_sales` (venue, business day, POS item), `daily_product_usage` (venue, business day,
product) and `daily_receipts` (venue, business day) are added to with INSERT ... ON CONFLICT DO
UPDATE; refunds add negative amounts on their own business day. Rows are upserted in key order so
two concurrent bookings lock them in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, case
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.depletion import Unmapped, UnmappedKind
from engine.venue import VenueId
from storage.dialects import insert_for
from storage.tables import (
    daily_item_sales,
    daily_product_usage,
    daily_receipts,
    pos_items,
    pos_modifiers,
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


async def write_rollup(connection: AsyncConnection, venue_id: VenueId, rollup: Rollup) -> None:
    if rollup.items:
        statement = insert_for(connection, daily_item_sales)
        added = ("quantity", "net_amount", "cogs", "lines")
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[
                    daily_item_sales.c.venue_id,
                    daily_item_sales.c.business_day,
                    daily_item_sales.c.pos_item_id,
                ],
                set_={c: daily_item_sales.c[c] + statement.excluded[c] for c in added},
            ),
            [
                {
                    "venue_id": venue_id,
                    "business_day": rollup.day,
                    "pos_item_id": item,
                    **dict(zip(added, rollup.items[item], strict=True)),
                }
                for item in sorted(rollup.items)
            ],
        )
    if rollup.usage:
        statement = insert_for(connection, daily_product_usage)
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[
                    daily_product_usage.c.venue_id,
                    daily_product_usage.c.business_day,
                    daily_product_usage.c.product_id,
                ],
                set_={
                    "quantity": daily_product_usage.c.quantity + statement.excluded.quantity,
                    "cogs": daily_product_usage.c.cogs + statement.excluded.cogs,
                },
            ),
            [
                {
                    "venue_id": venue_id,
                    "business_day": rollup.day,
                    "product_id": product,
                    "quantity": rollup.usage[product][0],
                    "cogs": rollup.usage[product][1],
                }
                for product in sorted(rollup.usage)
            ],
        )
    if rollup.receipts:
        statement = insert_for(connection, daily_receipts).values(
            venue_id=venue_id, business_day=rollup.day, receipts=rollup.receipts
        )
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[daily_receipts.c.venue_id, daily_receipts.c.business_day],
                set_={"receipts": daily_receipts.c.receipts + statement.excluded.receipts},
            )
        )


def _later(table: Table, excluded: Any, column: str) -> ColumnElement[datetime]:
    return case((excluded[column] > table.c[column], excluded[column]), else_=table.c[column])


def _earlier(table: Table, excluded: Any, column: str) -> ColumnElement[datetime]:
    return case((excluded[column] < table.c[column], excluded[column]), else_=table.c[column])


async def tally(connection: AsyncConnection, venue_id: VenueId, seen: Sequence[Unmapped]) -> None:
    """Count each unmapped sighting once, and remember the POS item or modifier it names."""
    grouped: dict[tuple[str, str, str], list[Unmapped]] = {}
    for sighting in seen:
        key = (sighting.kind.value, sighting.provider, sighting.external_id)
        grouped.setdefault(key, []).append(sighting)
    if not grouped:
        return
    for kind, table in ((UnmappedKind.ITEM, pos_items), (UnmappedKind.MODIFIER, pos_modifiers)):
        rows = [
            _seen_row(venue_id, group)
            for key, group in sorted(grouped.items())
            if key[0] == kind.value
        ]
        if rows:
            statement = insert_for(connection, table)
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[table.c.venue_id, table.c.provider, table.c.external_id],
                    set_={"last_seen": _later(table, statement.excluded, "last_seen")},
                ),
                rows,
            )
    statement = insert_for(connection, unmapped_tallies)
    excluded = statement.excluded
    await connection.execute(
        statement.on_conflict_do_update(
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
        ),
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
