"""The count sheet (as CSV to fill in) and a count session's answer: what was counted, and the
session's variance at a glance, the biggest losses in money first, with the full report a click
(or a `variance`) away."""

from __future__ import annotations

from bot.commands import formats as f
from bot.commands import messages as m
from bot.commands.bulk.sheets import write_sheet
from bot.commands.replies import Action, Column, Document, Reply, Table
from bot.commands.views.variance import variance_json
from engine.money import Cost
from engine.usecases.count_sessions import CountSession, CountSheet

GLANCE = 10
"""Products shown in a session's answer; the full variance report has the rest."""


def count_sheet_text(sheet: CountSheet) -> str:
    """The sheet as CSV: product, category, container, expected (containers), amount (blank)."""
    venue = sheet.venue
    return write_sheet(
        m.COL_SHEET,
        (
            (
                line.product.name,
                line.product.category or "",
                f.quantity_text(line.product.container_size, venue),
                f.on_hand_containers(line.expected, line.product.container_size),
                "",
            )
            for line in sheet.lines
        ),
    )


def count_sheet_json(sheet: CountSheet) -> dict[str, object]:
    venue = sheet.venue
    return {
        "venue": venue.slug,
        "products": [
            {
                "name": line.product.name,
                "category": line.product.category,
                "unit": line.product.dimension.base_unit,
                "container_size": f.base(line.product.container_size),
                "expected": f.base(line.expected),
                "expected_containers": f.decimal_number(line.expected_containers, 3),
            }
            for line in sheet.lines
        ],
    }


def count_sheet_reply(sheet: CountSheet) -> Reply:
    """The sheet printed: the CSV text alone, so `barback count sheet > counts.csv` works."""
    if not sheet.lines:
        return Reply(summary=m.COUNT_SHEET_NONE, data=count_sheet_json(sheet))
    return Reply(summary=count_sheet_text(sheet).rstrip("\n"), data=count_sheet_json(sheet))


def count_sheet_document(sheet: CountSheet, file: str) -> Reply:
    """The sheet handed over as a file named `file` (Slack uploads it to the channel)."""
    if not sheet.lines:
        return Reply(summary=m.COUNT_SHEET_NONE, data=count_sheet_json(sheet))
    n = len(sheet.lines)
    summary = m.COUNT_SHEET_SHARED.format(n=n, s="" if n == 1 else "s", file=file)
    text = count_sheet_text(sheet)
    return Reply(summary=summary, document=Document(file, text), data=count_sheet_json(sheet))


def count_session_reply(session: CountSession, who: str) -> Reply:
    venue = session.venue
    n = len(session.counted)
    lines = [
        m.COUNT_SESSION.format(
            n=n,
            s="" if n == 1 else "s",
            at=f.instant_text(session.at, venue),
            session=session.id,
            who=who,
        )
    ]
    rows = session.variances
    total = sum((row.variance.cost for row in rows), Cost.zero(venue.currency))
    if rows:
        lines.append(m.COUNT_SESSION_VARIANCE.format(cost=f.money_text(total, venue)))
    varied = {row.product.id for row in rows}
    first = [c.product.name for c in session.counted if c.product.id not in varied]
    if first:
        names = ", ".join(first[:GLANCE])
        if len(first) > GLANCE:
            names += f" and {len(first) - GLANCE} more"
        lines.append(m.COUNT_SESSION_FIRST.format(names=names))
    table = Table(
        title=None,
        columns=(
            Column(m.COL_PRODUCT),
            Column(m.COL_VARIANCE, "right"),
            Column(m.COL_PCT, "right"),
            Column(m.COL_COST, "right"),
        ),
        rows=tuple(
            (
                row.product.name,
                f.short_quantity(row.variance.variance, venue),
                f.pct_text(row.variance.pct),
                f.money_text(row.variance.cost, venue),
            )
            for row in rows[:GLANCE]
        ),
    )
    if len(rows) > GLANCE:
        lines.append(m.COUNT_SESSION_MORE.format(n=len(rows) - GLANCE))
    data = {
        "venue": venue.slug,
        "session": session.id,
        "at": f.instant(session.at, venue),
        "source": session.source,
        "by": session.change.actor,
        "products": [
            {
                "name": c.product.name,
                "unit": c.product.dimension.base_unit,
                "counted": f.base(c.after),
                "expected": f.base(c.before),
            }
            for c in session.counted
        ],
        "variance_cost": f.money(total),
        "variances": [variance_json(row, venue) for row in rows],
    }
    return Reply(
        summary="\n".join(lines),
        tables=(table,) if rows else (),
        actions=(Action(m.ACTION_FULL_VARIANCE, "variance"),) if rows else (),
        data=data,
    )
