"""`SqlSalesRepository`: receipts, sale lines, depletions, refunds, unmapped tallies, rollups.

Idempotency lives in the schema: a receipt's version moves only from the version the plan read
(`storage.versions`), each line's and correction's source key is unique per venue, inserted with
ON CONFLICT DO NOTHING ... RETURNING, and only the lines whose insert won get depletions, rollups
and tallies, in the same transaction. On PostgreSQL a concurrent duplicate waits on the unique
index until the first transaction ends, then inserts nothing; SQLite has one writer. Upserts
touch rows in a fixed order (table, then key) so concurrent bookings cannot deadlock.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.depletion import Booking, Correction, UnmappedKind
from engine.line_books import ReceiptBooks, VersionClaim
from engine.movements import BookedLine
from engine.refunds import RefundBooking
from engine.venue import VenueId
from storage import refund_rows
from storage.dialects import InsertFor, prepared
from storage.receipt_books import receipt_books
from storage.rollups import Rollup, tally, write_rollups
from storage.tables import depletions, mappings, sale_lines, unmapped_lines
from storage.versions import claim_versions


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
        self,
        venue_id: VenueId,
        bookings: Sequence[Booking],
        booked_at: datetime,
        *,
        claims: Sequence[VersionClaim],
    ) -> frozenset[str]:
        receipt_ids, dropped = await claim_versions(self._connection, venue_id, claims, booked_at)
        if dropped:  # a concurrent delivery booked these receipts as far or further
            bookings = [b for b in bookings if (b.provider, b.receipt_id) not in dropped]
        won: set[str] = set()
        selling = [b for b in bookings if b.lines]
        booked: list[_Written] = []
        if selling:
            booked = await self._insert_lines(venue_id, selling, receipt_ids)
            won.update(w.line.source_key for w in booked)
            await self._insert_depletions(venue_id, booked)
        corrected = await self._corrections(venue_id, bookings, receipt_ids)
        won.update(w.line.source_key for w in corrected)
        for b in bookings:
            if b.refund_changes is not None and b.refund_changes.lines:
                await refund_rows.add_refund(self._connection, venue_id, b.refund_changes)
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
        await write_rollups(self._connection, venue_id, _rollups([*booked, *corrected], bookings))
        return frozenset(won)

    async def receipt_books(
        self,
        venue_id: VenueId,
        receipts: Collection[tuple[str, str]],
        *,
        with_lines: Collection[tuple[str, str]] = (),
        lock: bool = False,
    ) -> Mapping[tuple[str, str], ReceiptBooks]:
        return await receipt_books(
            self._connection, venue_id, receipts, with_lines=with_lines, lock=lock
        )

    async def _corrections(
        self, venue_id: VenueId, bookings: Sequence[Booking], receipt_ids: Mapping[Key, int]
    ) -> list[_Written]:
        """Insert the corrections as rows of their own pointing at the line's first row, with
        their depletions; returns those this call wrote."""
        fixes = [(b, c) for b in bookings for c in b.corrections]
        if not fixes:
            return []
        firsts = {
            row.source_key: int(row.id)
            for row in await self._connection.execute(
                select(sale_lines.c.id, sale_lines.c.source_key).where(
                    sale_lines.c.venue_id == venue_id,
                    sale_lines.c.source_key.in_(sorted({c.line_key for _, c in fixes})),
                )
            )
        }
        items = await self._items({c.mapping_id for _, c in fixes})
        values = [
            _correction_values(venue_id, receipt_ids[(b.provider, b.receipt_id)], items, firsts, c)
            for b, c in fixes
        ]
        values.sort(key=lambda row: str(row["source_key"]))
        found = await self._connection.execute(prepared(self._connection, _line_insert), values)
        ids = {row[0]: int(row[1]) for row in found}
        written = [
            _Written(b, _as_line(c), ids[c.source_key], items[c.mapping_id], c)
            for b, c in fixes
            if c.source_key in ids
        ]
        await self._insert_depletions(venue_id, written)
        return written

    async def _items(self, mapping_ids: Collection[int]) -> dict[int, int]:
        """The POS item row of each mapping."""
        items: dict[int, int] = {}
        for chunk in _chunks(sorted(set(mapping_ids))):
            for row in await self._connection.execute(
                select(mappings.c.id, mappings.c.pos_item_id).where(mappings.c.id.in_(chunk))
            ):
                items[row[0]] = row[1]
        return items

    async def _insert_lines(
        self,
        venue_id: VenueId,
        bookings: Sequence[Booking],
        receipt_ids: Mapping[tuple[str, str], int],
    ) -> list[_Written]:
        """Insert the lines; returns those this call wrote, with their row id and POS item row."""
        items = await self._items({line.mapping_id for b in bookings for line in b.lines})
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
                "closed_at": w.closed_at,
                "business_day": w.business_day,
            }
            for w in booked
            for m in w.line.movements
        ]
        if rows:
            await self._connection.execute(depletions.insert(), rows)

    async def refunded_keys(self, venue_id: VenueId, keys: Collection[str]) -> frozenset[str]:
        return await refund_rows.refunded_keys(self._connection, venue_id, list(keys))

    async def add_refund(self, venue_id: VenueId, booking: RefundBooking) -> frozenset[str]:
        return await refund_rows.add_refund(self._connection, venue_id, booking)


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


def _correction_values(
    venue_id: VenueId,
    receipt_id: int,
    items: Mapping[int, int],
    firsts: Mapping[str, int],
    correction: Correction,
) -> dict[str, object]:
    modifiers = [
        {"id": m.modifier_id, "name": m.name, "quantity": m.quantity, "kind": m.kind}
        for m in correction.modifiers
    ]
    return {
        "venue_id": venue_id,
        "receipt_id": receipt_id,
        "source_key": correction.source_key,
        "pos_item_id": items[correction.mapping_id],
        "mapping_id": correction.mapping_id,
        "quantity": correction.quantity,
        "net_amount": correction.net_amount.minor,
        "cogs": correction.cogs.micro,
        "closed_at": correction.at,
        "business_day": correction.business_day,
        "modifiers": json.dumps(modifiers) if modifiers else None,
        "corrects": firsts[correction.line_key],
    }


def _as_line(c: Correction) -> BookedLine:
    return BookedLine(
        c.source_key,
        c.line_key,
        c.pos_item_id,
        c.name,
        c.mapping_id,
        c.quantity,
        c.net_amount,
        c.cogs,
        c.modifiers,
        c.movements,
    )


@dataclass(frozen=True, slots=True)
class _Written:
    """A sale line (or a correction, `fix`) this call inserted: its booking, its row id and its
    POS item row."""

    booking: Booking
    line: BookedLine
    line_id: int
    pos_item: int
    fix: Correction | None = None
    closed_at: datetime = field(init=False)
    business_day: date = field(init=False)

    def __post_init__(self) -> None:
        fix, booking = self.fix, self.booking
        object.__setattr__(self, "closed_at", booking.closed_at if fix is None else fix.at)
        day = booking.business_day if fix is None else fix.business_day
        object.__setattr__(self, "business_day", day)


Key = tuple[str, str]


CHUNK = 500  # keys per IN (...): well under both databases' bound-parameter limits


T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _rollups(written: Iterable[_Written], bookings: Sequence[Booking]) -> list[Rollup]:
    """What the written lines and corrections add to each business day (a correction adds a
    line only when the line sells again, and takes one when it no longer sells), and the receipts
    that now count in sales, or no longer do (`Booking.counted`)."""
    days: dict[date, Rollup] = {}
    for w in written:
        rollup = days.setdefault(w.business_day, Rollup(w.business_day))
        line = w.line
        lines = 1 if w.fix is None else w.fix.lines
        rollup.add_item(w.pos_item, line.quantity, line.net_amount.minor, line.cogs.micro, lines)
        for m in line.movements:
            rollup.add_usage(m.product_id, m.quantity.milli, m.cogs.micro)
    for b in bookings:
        if b.counted and b.counted_day is not None:
            days.setdefault(b.counted_day, Rollup(b.counted_day)).receipts += b.counted
    return list(days.values())


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
