"""`stock [<product>]`: on-hand, par, reorder point, low flag, days to stockout, suggested order."""

from __future__ import annotations

from bot.commands import formats as f
from bot.commands import messages as m
from bot.commands.replies import Column, Reply, Table
from engine.reports import StockReport, StockRow


def stock_reply(report: StockReport, product: str | None = None) -> Reply:
    venue = report.venue
    rows = report.rows
    if product is not None and len(rows) == 1:
        row = rows[0]
        summary = m.STOCK_ONE.format(
            name=row.product.name,
            on_hand=f.quantity_text(row.on_hand, venue),
            containers=f.on_hand_containers(row.on_hand, row.product.container_size),
            low=m.LOW_FLAG if row.low else "",
        )
    elif not rows:
        summary = m.STOCK_NONE
    else:
        low = sum(1 for row in rows if row.low)
        summary = m.STOCK_ALL.format(venue=venue.name, n=len(rows), low=low)
    table = Table(
        title=None,
        columns=(
            Column(m.COL_PRODUCT),
            Column(m.COL_ON_HAND, "right"),
            Column(m.COL_CONTAINERS, "right"),
            Column(m.COL_PAR, "right"),
            Column(m.COL_REORDER, "right"),
            Column(m.COL_LOW),
            Column(m.COL_DAYS_LEFT, "right"),
            Column(m.COL_ORDER, "right"),
        ),
        rows=tuple(_cells(row, report) for row in rows),
    )
    data = {"venue": venue.slug, "products": [_json(row) for row in rows]}
    return Reply(summary=summary, tables=(table,) if rows else (), data=data)


def _cells(row: StockRow, report: StockReport) -> tuple[str, ...]:
    product = row.product
    days = row.days_to_stockout
    return (
        product.name,
        f.quantity_text(row.on_hand, report.venue),
        f.on_hand_containers(row.on_hand, product.container_size),
        f.containers_text(product.par),
        f.containers_text(product.reorder_at),
        m.LOW_CELL if row.low else "",
        "-" if days is None else str(f.decimal_number(days, 1)),
        str(row.suggested_order),
    )


def _json(row: StockRow) -> dict[str, object]:
    product = row.product
    days = row.days_to_stockout
    return {
        "name": product.name,
        "unit": product.dimension.base_unit,
        "on_hand": f.base(row.on_hand),
        "container_size": f.base(product.container_size),
        "on_hand_containers": f.decimal_number(row.on_hand_containers, 3),
        "par": f.containers(product.par),
        "reorder_at": f.containers(product.reorder_at),
        "low": row.low,
        "days_to_stockout": None if days is None else f.decimal_number(days, 1),
        "suggested_order": row.suggested_order,
    }
