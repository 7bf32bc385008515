"""Reading what the books hold for receipts (`engine.line_books.ReceiptBooks`).

The version comes from the receipt's row; a receipt's lines (its first rows, their corrections,
depletions and refunds) are read only when a newer version or a refund needs them. A receipt's
sale rows all have keys starting `provider:receipt id:`, so they are found through the unique
`(venue_id, source_key)` index as a key range (and the receipt's row id, against a receipt whose
id merely starts the same way); no index on `receipt_id` is kept for this rare read.

Restocks: since revision 0007 a restock's depletion names its refund (`refund_id`); before, a
restock was a negative depletion of the line's first row, which no sale ever writes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.catalog import MappingId, PosItemId, ProductId
from engine.line_books import LineBooks, ReceiptBooks
from engine.money import Cost
from engine.movements import Movement, sum_movements
from engine.quantity import Quantity
from engine.units import Dimension
from engine.venue import VenueId
from storage.tables import depletions, pos_items, products, receipts, refunds, sale_lines

CHUNK = 500


async def receipt_books(
    connection: AsyncConnection,
    venue_id: VenueId,
    keys: Collection[tuple[str, str]],
    *,
    with_lines: Collection[tuple[str, str]] = (),
    lock: bool = False,
) -> dict[tuple[str, str], ReceiptBooks]:
    rows = await _receipt_rows(connection, venue_id, keys, lock)
    found = {
        (row.provider, row.external_id): ReceiptBooks(
            row.provider, row.external_id, _version(row.version), row.closed_at
        )
        for row in rows
    }
    wanted = [(row.id, (row.provider, row.external_id)) for row in rows]
    wanted = [(rid, key) for rid, key in wanted if key in set(with_lines)]
    if wanted:
        lines = await _lines(connection, venue_id, wanted)
        for row_id, key in wanted:
            mine = lines.get(row_id, {})
            found[key] = ReceiptBooks(*_head(found[key]), mine, frozenset(mine))
    return found


def _head(books: ReceiptBooks) -> tuple[str, str, int, Any]:
    return (books.provider, books.receipt_id, books.version, books.closed_at)


def _version(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 1


async def _receipt_rows(
    connection: AsyncConnection,
    venue_id: VenueId,
    keys: Collection[tuple[str, str]],
    lock: bool,
) -> list[Any]:
    """The receipts' rows, through the unique `(venue_id, provider, external_id)` index (every
    webhook batch reads them: the provider must be in the condition for the index to serve)."""
    found: list[Any] = []
    by_provider: dict[str, list[str]] = {}
    for provider, external in sorted(set(keys)):
        by_provider.setdefault(provider, []).append(external)
    for provider, ids in by_provider.items():
        for start in range(0, len(ids), CHUNK):
            query = select(
                receipts.c.id,
                receipts.c.provider,
                receipts.c.external_id,
                receipts.c.version,
                receipts.c.closed_at,
            ).where(
                receipts.c.venue_id == venue_id,
                receipts.c.provider == provider,
                receipts.c.external_id.in_(ids[start : start + CHUNK]),
            )
            if lock and connection.dialect.name == "postgresql":
                query = query.order_by(receipts.c.id).with_for_update()
            found.extend(await connection.execute(query))
    return found


def key_range(venue_id: VenueId, receipt_row: int, provider: str, receipt_id: str) -> Any:
    """The sale rows of one receipt, through the `(venue_id, source_key)` index (the venue in
    each term, so that an OR of several receipts still uses the index on SQLite)."""
    prefix = f"{provider}:{receipt_id}:"
    return and_(
        sale_lines.c.venue_id == venue_id,
        sale_lines.c.source_key >= prefix,
        sale_lines.c.source_key < prefix[:-1] + ";",  # ';' follows ':'
        sale_lines.c.receipt_id == receipt_row,
    )


@dataclass
class _Line:
    first: Any
    rows: list[Any] = field(default_factory=list)
    sold: list[Movement] = field(default_factory=list)
    back: list[Movement] = field(default_factory=list)
    refunded: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])


async def _lines(
    connection: AsyncConnection, venue_id: VenueId, wanted: Sequence[tuple[int, tuple[str, str]]]
) -> dict[int, dict[str, LineBooks]]:
    """Each receipt row's sale lines by key, summed."""
    query = (
        select(
            sale_lines,
            receipts.c.currency,
            pos_items.c.external_id.label("item"),
            pos_items.c.name.label("item_name"),
        )
        .join(receipts, receipts.c.id == sale_lines.c.receipt_id)
        .join(pos_items, pos_items.c.id == sale_lines.c.pos_item_id)
        .where(or_(*(key_range(venue_id, row_id, *key) for row_id, key in wanted)))
        .order_by(sale_lines.c.id)
    )
    rows = list(await connection.execute(query))
    lines = {row.id: _Line(row) for row in rows if row.corrects is None}
    for row in rows:
        line = lines.get(row.corrects or row.id)
        if line is not None:
            line.rows.append(row)
    await _movements(connection, lines, {row.id: row for row in rows})
    await _refunds(connection, lines)
    result: dict[int, dict[str, LineBooks]] = {}
    for line in lines.values():
        result.setdefault(line.first.receipt_id, {})[line.first.source_key] = _books(line)
    return result


async def _movements(
    connection: AsyncConnection, lines: Mapping[int, _Line], rows: Mapping[int, Any]
) -> None:
    by_row = {row.id: line for line in lines.values() for row in line.rows}
    ids = sorted(by_row)
    for start in range(0, len(ids), CHUNK):
        for d in await connection.execute(
            select(depletions, products.c.dimension)
            .join(products, products.c.id == depletions.c.product_id)
            .where(depletions.c.sale_line_id.in_(ids[start : start + CHUNK]))
            .order_by(depletions.c.id)
        ):
            line = by_row[d.sale_line_id]
            currency = rows[d.sale_line_id].currency
            moved = Movement(
                ProductId(d.product_id),
                Quantity(Dimension(d.dimension), int(d.quantity)),
                Cost(int(d.cogs), currency),
            )
            first = d.sale_line_id == line.first.id
            if d.refund_id is not None or (first and d.quantity < 0):
                line.back.append(_negated(moved))
            else:
                line.sold.append(moved)


async def _refunds(connection: AsyncConnection, lines: Mapping[int, _Line]) -> None:
    ids = sorted(lines)
    for start in range(0, len(ids), CHUNK):
        for row in await connection.execute(refund_sums(ids[start : start + CHUNK])):
            lines[row.sale_line_id].refunded = [int(v or 0) for v in row[1:]]


def refund_sums(sale_line_ids: Iterable[int]) -> Any:
    """Per sale line: refunded quantity and amount, requested quantity and amount, restocked
    quantity (a request before revision 0007 asked what it booked)."""
    return (
        select(
            refunds.c.sale_line_id,
            func.sum(refunds.c.quantity),
            func.sum(refunds.c.amount),
            func.sum(func.coalesce(refunds.c.requested_quantity, refunds.c.quantity)),
            func.sum(func.coalesce(refunds.c.requested_amount, refunds.c.amount)),
            func.sum(case((refunds.c.restocked, refunds.c.quantity), else_=0)),
        )
        .where(refunds.c.sale_line_id.in_(sorted(sale_line_ids)))
        .group_by(refunds.c.sale_line_id)
    )


def _negated(m: Movement) -> Movement:
    return Movement(m.product_id, Quantity(m.quantity.dimension, -m.quantity.milli), -m.cogs)


def _books(line: _Line) -> LineBooks:
    latest = line.rows[-1]
    refunded = line.refunded
    return LineBooks(
        source_key=line.first.source_key,
        pos_item_id=PosItemId(latest.item),
        name=latest.item_name,
        mapping_id=MappingId(latest.mapping_id),
        quantity=sum(int(r.quantity) for r in line.rows),
        net_amount=sum(int(r.net_amount) for r in line.rows),
        cogs=sum(int(r.cogs) for r in line.rows),
        movements=tuple(m for m in sum_movements(line.sold) if m.quantity.milli or m.cogs.micro),
        refunded_quantity=refunded[0],
        refunded_amount=refunded[1],
        requested_quantity=refunded[2],
        requested_amount=refunded[3],
        restocked_quantity=refunded[4],
        restocked=tuple(m for m in sum_movements(line.back) if m.quantity.milli or m.cogs.micro),
    )
