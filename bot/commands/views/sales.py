"""`sales [period]`: net sales, COGS, pour cost %, gross profit, receipts, top items, a chart."""

from __future__ import annotations

from bot.commands import formats as f
from bot.commands import messages as m
from bot.commands.replies import ChartSpec, Column, Reply, Table
from engine.money import pour_cost_pct
from engine.reports import ItemSales, SalesBucket, SalesReport
from engine.venue import Venue


def period_text(report: SalesReport) -> str:
    if report.first == report.last:
        return f.day(report.first)
    return f"{f.day(report.first)}..{f.day(report.last)}"


def sales_reply(report: SalesReport) -> Reply:
    venue = report.venue
    summary = m.SALES.format(
        venue=venue.name,
        period=period_text(report),
        net=f.money_text(report.net_sales, venue),
        cogs=f.money_text(report.cogs, venue),
        pct=f.pct_text(report.pour_cost_pct),
        profit=f.money_text(report.gross_profit, venue),
        receipts=report.receipts,
        s="" if report.receipts == 1 else "s",
    )
    if report.refunds.minor:
        summary += m.SALES_REFUNDS.format(refunds=f.money_text(report.refunds, venue))
    table = Table(
        title=m.TOP_ITEMS,
        columns=(
            Column(m.COL_ITEM),
            Column(m.COL_QTY, "right"),
            Column(m.COL_NET_SALES, "right"),
            Column(m.COL_COGS, "right"),
            Column(m.COL_POUR_COST, "right"),
        ),
        rows=tuple(_cells(item, venue) for item in report.items),
    )
    data = {
        "venue": venue.slug,
        "from": f.day(report.first),
        "to": f.day(report.last),
        "currency": venue.currency,
        "net_sales": f.money(report.net_sales),
        "cogs": f.money(report.cogs),
        "pour_cost_pct": f.pct(report.pour_cost_pct),
        "gross_profit": f.money(report.gross_profit),
        "refunds": f.money(report.refunds),
        "receipts": report.receipts,
        "items": [_json(item) for item in report.items],
    }
    tables = (table,) if report.items else ()
    return Reply(summary=summary, tables=tables, chart=sales_chart(report), data=data)


def sales_chart(report: SalesReport) -> ChartSpec:
    """By hour for one business day (only the hours from the first sale to the last: a bar is
    open a few hours, not 24), by business day otherwise; the axis names the venue's zone."""
    venue = report.venue
    hourly = report.granularity == "hour"
    buckets = _open_hours(report.buckets) if hourly else report.buckets
    if hourly:
        local = [b.start.astimezone(venue.zone) for b in buckets]
        abbreviations = "/".join(dict.fromkeys(str(t.tzname()) for t in local)) or "-"
        x_title = m.CHART_HOURS.format(zone=venue.timezone, abbreviations=abbreviations)
    else:
        cutoff = venue.day_cutoff.strftime("%H:%M")
        x_title = m.CHART_DAYS.format(zone=venue.timezone, cutoff=cutoff)
    return ChartSpec(
        title=m.CHART_TITLE.format(venue=venue.name, period=period_text(report)),
        currency=venue.currency,
        x_labels=tuple(
            b.start.astimezone(venue.zone).strftime("%H:00") if hourly else f.day(b.day)
            for b in buckets
        ),
        x_kind=report.granularity,
        net_sales_minor=tuple(b.net_sales.minor for b in buckets),
        pour_cost_pct=tuple(f.pct(pour_cost_pct(b.cogs, b.net_sales)) for b in buckets),
        currency_exponent=venue.currency_exponent,
        subtitle=m.CHART_SUBTITLE.format(
            net=f.money_text(report.net_sales, venue), pct=f.pct_text(report.pour_cost_pct)
        ),
        locale=venue.locale,
        x_title=x_title,
    )


def _open_hours(buckets: tuple[SalesBucket, ...]) -> tuple[SalesBucket, ...]:
    """From the first hour with a sale (or a comp's cost) to the last, quiet hours between them
    kept; every hour when there was nothing at all (the chart then says so)."""
    busy = [i for i, b in enumerate(buckets) if b.net_sales.minor or b.cogs.micro]
    return buckets[busy[0] : busy[-1] + 1] if busy else buckets


def _cells(item: ItemSales, venue: Venue) -> tuple[str, ...]:
    return (
        item.pos_item.name,
        str(f.units_sold(item.quantity)),
        f.money_text(item.net_sales, venue),
        f.money_text(item.cogs, venue),
        f.pct_text(pour_cost_pct(item.cogs, item.net_sales)),
    )


def _json(item: ItemSales) -> dict[str, object]:
    return {
        "pos_item": item.pos_item.name,
        "quantity": f.units_sold(item.quantity),
        "net_sales": f.money(item.net_sales),
        "cogs": f.money(item.cogs),
    }
