"""`SqlSalesRepository`: receipts, sale lines, depletions, refunds, unmapped tallies, rollups.

Idempotency lives in the schema: each line's source key is unique per venue, inserted with
ON CONFLICT DO NOTHING ... RETURNING, and only the lines whose insert won get depletions, rollups
and tallies, in the same transaction. On PostgreSQL a concurrent duplicate waits on the unique
index until the first transaction ends, then inserts nothing; SQLite has one writer. Upserts
touch rows in a fixed order (table, then key) so concurrent bookings cannot deadlock.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.catalog import MappingId, PosItemId, ProductId
from engine.depletion import BookedLine, Booking, Movement, UnmappedKind
from engine.money import Cost, Money
from engine.quantity import Quantity
from engine.refunds import RefundBooking, RefundedLine
from engine.units import Dimension
from engine.venue import VenueId
from storage.dialects import InsertFor, insert_for, prepared
from storage.rollups import Rollup, tally, write_rollup, write_rollups
from storage.tables import (
    depletions,
    mappings,
    pos_items,
    products,
    receipts,
    refunds,
    sale_lines,
    unmapped_lines,
)


class SqlSalesRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def booked_keys(self, venue_id: VenueId, keys: Collection[str]) -> frozenset[str]:
        found: set[str] = set()
        for wanted in _chunks(sorted(set(keys))):
            query = union_all(
                select(sale_lines.c.source_key).where(
                    sale_lines.c.venue_id == venue_id, sale_lines.c.source_key.in_(wanted)
                ),
                select(unmapped_lines.c.source_key).where(
                    unmapped_lines.c.venue_id == venue_id,
                    unmapped_lines.c.source_key.in_(wanted),
                ),
            )
            found.update((await self._connection.scalars(query)).all())
        return frozenset(found)

    async def add_bookings(
        self, venue_id: VenueId, bookings: Sequence[Booking], booked_at: datetime
    ) -> frozenset[str]:
        won: set[str] = set()
        selling = [b for b in bookings if b.lines]
        booked: list[_Written] = []
        new_receipts: set[tuple[str, str]] = set()
        if selling:
            receipt_ids, new_receipts = await self._receipts(venue_id, selling, booked_at)
            booked = await self._insert_lines(venue_id, selling, receipt_ids)
            won.update(w.line.source_key for w in booked)
            await self._insert_depletions(venue_id, booked)
        unmapped_items = [
            {"venue_id": venue_id, "source_key": u.source_key, "seen_at": b.closed_at}
            for b in bookings
            for u in b.unmapped
            if u.kind is UnmappedKind.ITEM
        ]
        if unmapped_items:
            unmapped_items.sort(key=lambda row: str(row["source_key"]))
            found = await self._connection.execute(
                prepared(self._connection, _unmapped_insert), unmapped_items
            )
            won.update(row[0] for row in found)
        await tally(
            self._connection,
            venue_id,
            [u for b in bookings for u in b.unmapped if u.source_key in won],
        )
        await write_rollups(self._connection, venue_id, _rollups(booked, new_receipts))
        return frozenset(won)

    async def _receipts(
        self, venue_id: VenueId, bookings: Sequence[Booking], booked_at: datetime
    ) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]]]:
        """Each booking's receipt row id by (provider, receipt id), and which rows this call made.
        A receipt booked before keeps its row (the first version's close and version)."""
        rows: dict[tuple[str, str], dict[str, object]] = {}
        for b in bookings:
            rows.setdefault(
                (b.provider, b.receipt_id),
                {
                    "venue_id": venue_id,
                    "provider": b.provider,
                    "external_id": b.receipt_id,
                    "version": str(b.version),
                    "closed_at": b.closed_at,
                    "business_day": b.business_day,
                    "currency": b.currency,
                    "booked_at": booked_at,
                },
            )
        inserted = await self._connection.execute(
            prepared(self._connection, _receipt_insert), [rows[k] for k in sorted(rows)]
        )
        ids = {(row.provider, row.external_id): int(row.id) for row in inserted}
        made = set(ids)
        missing = [key for key in rows if key not in ids]
        for chunk in _chunks(missing):
            for row in await self._connection.execute(
                select(receipts.c.id, receipts.c.provider, receipts.c.external_id).where(
                    receipts.c.venue_id == venue_id,
                    receipts.c.external_id.in_(sorted({external for _, external in chunk})),
                )
            ):
                if (row.provider, row.external_id) in rows:  # not another provider's namesake
                    ids[(row.provider, row.external_id)] = int(row.id)
        return ids, made

    async def _insert_lines(
        self,
        venue_id: VenueId,
        bookings: Sequence[Booking],
        receipt_ids: Mapping[tuple[str, str], int],
    ) -> list[_Written]:
        """Insert the lines; returns those this call wrote, with their row id and POS item row."""
        mapping_ids = sorted({line.mapping_id for b in bookings for line in b.lines})
        items: dict[int, int] = {}
        for chunk in _chunks(mapping_ids):
            for row in await self._connection.execute(
                select(mappings.c.id, mappings.c.pos_item_id).where(mappings.c.id.in_(chunk))
            ):
                items[row[0]] = row[1]
        values = [
            _line_values(venue_id, b, receipt_ids[(b.provider, b.receipt_id)], items, line)
            for b in bookings
            for line in b.lines
        ]
        values.sort(key=lambda row: str(row["source_key"]))
        found = await self._connection.execute(prepared(self._connection, _line_insert), values)
        ids = {row[0]: int(row[1]) for row in found}
        return [
            _Written(b, line, ids[line.source_key], int(items[line.mapping_id]))
            for b in bookings
            for line in b.lines
            if line.source_key in ids
        ]

    async def _insert_depletions(self, venue_id: VenueId, booked: Iterable[_Written]) -> None:
        rows = [
            {
                "venue_id": venue_id,
                "sale_line_id": w.line_id,
                "product_id": m.product_id,
                "quantity": m.quantity.milli,
                "cogs": m.cogs.micro,
                "closed_at": w.booking.closed_at,
                "business_day": w.booking.business_day,
            }
            for w in booked
            for m in w.line.movements
        ]
        if rows:
            await self._connection.execute(depletions.insert(), rows)

    async def sale_lines(
        self, venue_id: VenueId, keys: Collection[str]
    ) -> Mapping[str, BookedLine]:
        if not keys:
            return {}
        rows = await self._connection.execute(
            select(
                sale_lines,
                receipts.c.currency,
                pos_items.c.external_id,
                pos_items.c.name.label("item_name"),
            )
            .join(receipts, receipts.c.id == sale_lines.c.receipt_id)
            .join(pos_items, pos_items.c.id == sale_lines.c.pos_item_id)
            .where(sale_lines.c.venue_id == venue_id, sale_lines.c.source_key.in_(sorted(keys)))
        )
        lines = {row.id: row for row in rows}
        moved: dict[int, list[Movement]] = {line_id: [] for line_id in lines}
        if lines:
            for d in await self._connection.execute(
                select(depletions, products.c.dimension)
                .join(products, products.c.id == depletions.c.product_id)
                .where(depletions.c.sale_line_id.in_(sorted(lines)), depletions.c.quantity > 0)
                .order_by(depletions.c.id)
            ):
                currency = lines[d.sale_line_id].currency
                moved[d.sale_line_id].append(
                    Movement(
                        ProductId(d.product_id),
                        Quantity(Dimension(d.dimension), int(d.quantity)),
                        Cost(int(d.cogs), currency),
                    )
                )
        return {
            row.source_key: BookedLine(
                source_key=row.source_key,
                line_id=row.source_key.rsplit(":", 1)[-1],
                pos_item_id=PosItemId(row.external_id),
                name=row.item_name,
                mapping_id=MappingId(row.mapping_id),
                quantity=int(row.quantity),
                net_amount=Money(int(row.net_amount), row.currency),
                cogs=Cost(int(row.cogs), row.currency),
                modifiers=(),
                movements=tuple(moved[line_id]),
            )
            for line_id, row in lines.items()
        }

    async def refunded_keys(self, venue_id: VenueId, keys: Collection[str]) -> frozenset[str]:
        if not keys:
            return frozenset()
        found = await self._connection.scalars(
            select(refunds.c.source_key).where(
                refunds.c.venue_id == venue_id, refunds.c.source_key.in_(sorted(set(keys)))
            )
        )
        return frozenset(found.all())

    async def add_refund(self, venue_id: VenueId, booking: RefundBooking) -> frozenset[str]:
        if not booking.lines:
            return frozenset()
        sales = {
            row.source_key: (int(row.id), int(row.pos_item_id))
            for row in await self._connection.execute(
                select(sale_lines.c.id, sale_lines.c.source_key, sale_lines.c.pos_item_id).where(
                    sale_lines.c.venue_id == venue_id,
                    sale_lines.c.source_key.in_(sorted({ln.sale_key for ln in booking.lines})),
                )
            )
        }
        statement = (
            insert_for(self._connection, refunds)
            .values([_refund_values(venue_id, booking, sales, line) for line in booking.lines])
            .on_conflict_do_nothing(index_elements=[refunds.c.venue_id, refunds.c.source_key])
            .returning(refunds.c.source_key)
        )
        won = frozenset((await self._connection.scalars(statement)).all())
        rollup = Rollup(booking.business_day)
        restocks: list[dict[str, object]] = []
        for line in (ln for ln in booking.lines if ln.source_key in won):
            sale_line_id, pos_item = sales[line.sale_key]
            returned_cogs = sum(m.cogs.micro for m in line.returned)
            rollup.add_item(pos_item, -line.quantity, -line.amount.minor, -returned_cogs, 0)
            for m in line.returned:
                rollup.add_usage(m.product_id, -m.quantity.milli, -m.cogs.micro)
                restocks.append(
                    {
                        "venue_id": venue_id,
                        "sale_line_id": sale_line_id,
                        "product_id": m.product_id,
                        "quantity": -m.quantity.milli,
                        "cogs": -m.cogs.micro,
                        "closed_at": booking.refunded_at,
                        "business_day": booking.business_day,
                    }
                )
        if restocks:
            await self._connection.execute(depletions.insert(), restocks)
        await write_rollup(self._connection, venue_id, rollup)
        return won


def _line_values(
    venue_id: VenueId,
    booking: Booking,
    receipt_id: int,
    items: Mapping[int, int],
    line: BookedLine,
) -> dict[str, object]:
    modifiers = [
        {"id": m.modifier_id, "name": m.name, "quantity": m.quantity, "kind": m.kind}
        for m in line.modifiers
    ]
    return {
        "venue_id": venue_id,
        "receipt_id": receipt_id,
        "source_key": line.source_key,
        "pos_item_id": items[line.mapping_id],
        "mapping_id": line.mapping_id,
        "quantity": line.quantity,
        "net_amount": line.net_amount.minor,
        "cogs": line.cogs.micro,
        "closed_at": booking.closed_at,
        "business_day": booking.business_day,
        "modifiers": json.dumps(modifiers) if modifiers else None,
    }


def _refund_values(
    venue_id: VenueId,
    booking: RefundBooking,
    sales: Mapping[str, tuple[int, int]],
    line: RefundedLine,
) -> dict[str, object]:
    return {
        "venue_id": venue_id,
        "sale_line_id": sales[line.sale_key][0],
        "source_key": line.source_key,
        "quantity": line.quantity,
        "amount": line.amount.minor,
        "cogs": sum(m.cogs.micro for m in line.returned),
        "refunded_at": booking.refunded_at,
        "business_day": booking.business_day,
        "restocked": line.restocked,
    }


@dataclass(frozen=True, slots=True)
class _Written:
    """A sale line this call inserted: its booking, its row id and its POS item row."""

    booking: Booking
    line: BookedLine
    line_id: int
    pos_item: int


CHUNK = 500  # keys per IN (...): well under both databases' bound-parameter limits


T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _rollups(booked: Iterable[_Written], new_receipts: set[tuple[str, str]]) -> list[Rollup]:
    """What the written lines add to each business day; a receipt row this call made counts
    once, on the day of its first booking with a written line."""
    days: dict[date, Rollup] = {}
    counted: set[tuple[str, str]] = set()
    for w in booked:
        b, line = w.booking, w.line
        rollup = days.setdefault(b.business_day, Rollup(b.business_day))
        key = (b.provider, b.receipt_id)
        if key in new_receipts and key not in counted:
            counted.add(key)
            rollup.receipts += 1
        rollup.add_item(w.pos_item, line.quantity, line.net_amount.minor, line.cogs.micro, 1)
        for m in line.movements:
            rollup.add_usage(m.product_id, m.quantity.milli, m.cogs.micro)
    return list(days.values())


def _receipt_insert(insert: InsertFor) -> Any:
    return (
        insert(receipts)
        .on_conflict_do_nothing(
            index_elements=[receipts.c.venue_id, receipts.c.provider, receipts.c.external_id]
        )
        .returning(receipts.c.id, receipts.c.provider, receipts.c.external_id)
    )


def _line_insert(insert: InsertFor) -> Any:
    return (
        insert(sale_lines)
        .on_conflict_do_nothing(index_elements=[sale_lines.c.venue_id, sale_lines.c.source_key])
        .returning(sale_lines.c.source_key, sale_lines.c.id)
    )


def _unmapped_insert(insert: InsertFor) -> Any:
    return (
        insert(unmapped_lines)
        .on_conflict_do_nothing(
            index_elements=[unmapped_lines.c.venue_id, unmapped_lines.c.source_key]
        )
        .returning(unmapped_lines.c.source_key)
    )
