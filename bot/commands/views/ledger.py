"""`why "<product>"`, `simulate "<pos item>"` and `history [<n>]`: the figures behind figures."""

from __future__ import annotations

import json

from bot.commands import formats as f
from bot.commands import messages as m
from bot.commands.replies import Column, Reply, Table
from engine.quantity import Quantity
from engine.records import AuditEntry
from engine.reports import HistoryReport, SimulationReport, WhyReport
from engine.venue import Venue


def why_reply(report: WhyReport) -> Reply:
    venue, product = report.venue, report.product

    def q(quantity: Quantity) -> str:
        return f.quantity_text(quantity, venue)

    count = report.count
    start = (
        m.WHY_FROM_COUNT.format(quantity=q(count.quantity), at=f.instant_text(count.at, venue))
        if count is not None
        else m.WHY_NO_COUNT
    )
    received = sum((r.quantity for r in report.receivings), Quantity.zero(product.dimension))
    wasted = sum((w.quantity for w in report.waste), Quantity.zero(product.dimension))
    summary = m.WHY.format(
        name=product.name,
        on_hand=q(report.on_hand),
        start=start,
        received=q(received),
        waste=q(wasted),
        sold=q(report.depleted),
    )
    rows: list[tuple[str, str, str, str]] = []
    if count is not None:
        rows.append((f.instant_text(count.at, venue), m.WHY_COUNT, q(count.quantity), ""))
    for r in report.receivings:
        cost = (
            ""
            if r.cost_per_container is None
            else f" @ {f.money_text(r.cost_per_container, venue)}"
        )
        detail = "" if r.containers is None else f"{f.containers_text(r.containers)}{cost}"
        rows.append((f.instant_text(r.at, venue), m.WHY_RECEIVED, "+" + q(r.quantity), detail))
    for w in report.waste:
        rows.append((f.instant_text(w.at, venue), m.WHY_WASTE, "-" + q(w.quantity), w.reason))
    for s in report.sales:
        what = m.WHY_REFUND if s.refund else m.WHY_SALE
        line = f"{f.units_sold(s.line_quantity)} x {s.pos_item}"
        if s.modifiers:
            line += " with " + ", ".join(s.modifiers)
        sign = "+" if s.quantity.milli < 0 else "-"
        amount = q(s.quantity if s.quantity.milli >= 0 else -s.quantity)
        rows.append((f.instant_text(s.at, venue), what, sign + amount, line))
    rows.sort(key=lambda row: row[0])
    if report.omitted:
        # The sales left out are older than every one listed: the note stands where they would.
        first = next(
            (i for i, row in enumerate(rows) if row[1] in (m.WHY_SALE, m.WHY_REFUND)), len(rows)
        )
        rows.insert(first, ("", m.WHY_OMITTED.format(n=report.omitted), "", ""))
    table = Table(
        title=None,
        columns=(
            Column(m.COL_WHEN),
            Column(m.COL_WHAT),
            Column(m.COL_QUANTITY, "right"),
            Column(m.COL_DETAIL),
        ),
        rows=tuple(rows),
    )
    data = {
        "venue": venue.slug,
        "product": product.name,
        "unit": product.dimension.base_unit,
        "on_hand": f.base(report.on_hand),
        "count": None
        if count is None
        else {"at": f.instant(count.at, venue), "quantity": f.base(count.quantity)},
        "receivings": [
            {"at": f.instant(r.at, venue), "quantity": f.base(r.quantity)}
            for r in report.receivings
        ],
        "waste": [
            {"at": f.instant(w.at, venue), "quantity": f.base(w.quantity), "reason": w.reason}
            for w in report.waste
        ],
        "sales": [
            {
                "at": f.instant(s.at, venue),
                "line": s.source_key,
                "pos_item": s.pos_item,
                "line_quantity": f.units_sold(s.line_quantity),
                "modifiers": list(s.modifiers),
                "quantity": f.base(s.quantity),
                "refund": s.refund,
            }
            for s in report.sales
        ],
        "depleted": f.base(report.depleted),
        "omitted": report.omitted,
    }
    return Reply(summary=summary, tables=(table,), data=data)


def simulate_reply(report: SimulationReport) -> Reply:
    venue, names = report.venue, report.product_names
    with_text = (" with " + ", ".join(x.name for x in report.modifiers)) if report.modifiers else ""
    summary = m.SIMULATE.format(
        item=report.pos_item.name, modifiers=with_text, cogs=f.money_text(report.cogs, venue)
    )
    if report.unmapped:
        summary += "\n" + m.SIMULATE_UNMAPPED.format(
            names=", ".join(u.name for u in report.unmapped)
        )
    table = Table(
        title=None,
        columns=(
            Column(m.COL_PRODUCT),
            Column(m.COL_QUANTITY, "right"),
            Column(m.COL_COGS, "right"),
        ),
        rows=tuple(
            (
                names[mv.product_id],
                f.quantity_text(mv.quantity, venue),
                f.money_text(mv.cogs, venue),
            )
            for mv in report.movements
        ),
    )
    data = {
        "venue": venue.slug,
        "pos_item": report.pos_item.name,
        "modifiers": [x.name for x in report.modifiers],
        "depletes": [
            {
                "product": names[mv.product_id],
                "quantity": f.base(mv.quantity),
                "unit": mv.quantity.dimension.base_unit,
                "cogs": f.money(mv.cogs),
            }
            for mv in report.movements
        ],
        "cogs": f.money(report.cogs),
        "unmapped_modifiers": [u.name for u in report.unmapped],
    }
    return Reply(summary=summary, tables=(table,), data=data)


def history_reply(report: HistoryReport) -> Reply:
    venue = report.venue
    entries = report.entries
    summary = (
        m.HISTORY.format(n=len(entries), s="" if len(entries) == 1 else "s")
        if entries
        else m.HISTORY_NONE
    )
    table = Table(
        title=None,
        columns=(Column(m.COL_WHEN), Column(m.COL_WHO), Column(m.COL_WHAT), Column(m.COL_CHANGE)),
        rows=tuple(_cells(e, venue) for e in entries),
    )
    data = {
        "venue": venue.slug,
        "changes": [
            {
                "at": f.instant(e.at, venue),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "old": e.old,
                "new": e.new,
            }
            for e in entries
        ],
    }
    return Reply(summary=summary, tables=(table,) if entries else (), data=data)


def _cells(entry: AuditEntry, venue: Venue) -> tuple[str, str, str, str]:
    change = (
        f"{_compact(entry.old)} -> {_compact(entry.new)}"
        if entry.old is not None
        else _compact(entry.new)
    )
    return (f.instant_text(entry.at, venue), entry.actor, f"{entry.action} {entry.target}", change)


def _compact(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
