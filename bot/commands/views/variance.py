"""`variance [<product>] [<range>]`: expected vs actual usage between two counts (rule 8)."""

from __future__ import annotations

from bot.commands import formats as f
from bot.commands import messages as m
from bot.commands.replies import Column, Reply, Table
from engine.money import Cost
from engine.reports import VarianceReport, VarianceRow
from engine.venue import Venue


def variance_reply(report: VarianceReport) -> Reply:
    venue = report.venue
    rows = report.rows
    if len(rows) == 1:
        row = rows[0]
        v = row.variance
        summary = m.VARIANCE_ONE.format(
            name=row.product.name,
            variance=f.quantity_text(v.variance, venue),
            pct=f.pct_text(v.pct),
            cost=f.money_text(v.cost, venue),
        )
    elif rows:
        total = sum((row.variance.cost for row in rows), Cost.zero(venue.currency))
        summary = m.VARIANCE_ALL.format(n=len(rows), cost=f.money_text(total, venue))
    else:
        summary = m.VARIANCE_NONE
    tables = []
    if rows:
        tables.append(
            Table(
                title=None,
                columns=(
                    Column(m.COL_PRODUCT),
                    Column(m.COL_COUNTS),
                    Column(m.COL_EXPECTED, "right"),
                    Column(m.COL_WASTE, "right"),
                    Column(m.COL_ACTUAL, "right"),
                    Column(m.COL_VARIANCE, "right"),
                    Column(m.COL_PCT, "right"),
                    Column(m.COL_COST, "right"),
                ),
                rows=tuple(variance_cells(row, venue) for row in rows),
            )
        )
    if report.without_counts:
        names = ", ".join(p.name for p in report.without_counts)
        summary += "\n" + m.VARIANCE_WITHOUT_COUNTS.format(names=names)
    data = {"venue": venue.slug, "products": [variance_json(row, venue) for row in rows]}
    return Reply(summary=summary, tables=tuple(tables), data=data)


def variance_cells(row: VarianceRow, venue: Venue) -> tuple[str, ...]:
    v = row.variance
    return (
        row.product.name,
        f.span_text(v.start.at, v.end.at, venue),
        f.short_quantity(v.expected, venue),
        f.short_quantity(v.waste, venue),
        f.short_quantity(v.actual, venue),
        f.short_quantity(v.variance, venue),
        f.pct_text(v.pct),
        f.money_text(v.cost, venue),
    )


def variance_json(row: VarianceRow, venue: Venue) -> dict[str, object]:
    v = row.variance
    return {
        "name": row.product.name,
        "unit": row.product.dimension.base_unit,
        "from": f.instant(v.start.at, venue),
        "to": f.instant(v.end.at, venue),
        "expected_usage": f.base(v.expected),
        "waste": f.base(v.waste),
        "actual_usage": f.base(v.actual),
        "variance": f.base(v.variance),
        "variance_pct": f.pct(v.pct),
        "variance_cost": f.money(v.cost),
    }
