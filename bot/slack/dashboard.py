"""The App Home's figures: each venue's month to date, gathered through the engine's use cases.

One `Dashboard` per venue the reader's workspace uses (`bot.slack.home` lays them out): sales of
the month so far (`sales month`), products at or below their reorder point and the last count
(`stock`), and the POS items still unmapped (`unmapped`). Three short read transactions a venue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.commands import formats as f
from bot.slack.home import Dashboard, LowStock, TopItem
from engine.ports import Clock, UnitOfWorkFactory
from engine.usecases import reports
from engine.usecases.periods import Period
from engine.venue import Venue

__all__ = ["dashboard", "dashboards"]


async def dashboards(
    uow: UnitOfWorkFactory, clock: Clock, venues: Sequence[Venue]
) -> list[Dashboard]:
    return [await dashboard(uow, clock, venue) for venue in venues]


async def dashboard(uow: UnitOfWorkFactory, clock: Clock, venue: Venue) -> Dashboard:
    sales = await reports.sales(uow, clock, venue.slug, Period("month"), top=5)
    stock = await reports.stock(uow, clock, venue.slug)
    unmapped = await reports.unmapped(uow, venue.slug)
    low = tuple(
        LowStock(
            name=row.product.name,
            on_hand=f.on_hand_containers(row.on_hand, row.product.container_size),
            par=f.containers_text(row.product.par),
        )
        for row in stock.rows
        if row.low
    )
    counts = [row.last_count_at for row in stock.rows if row.last_count_at is not None]
    return Dashboard(
        venue=venue.name,
        period=_period(sales.first.strftime("%B %-d"), sales.last.strftime("%B %-d")),
        net_sales=f.money_text(sales.net_sales, venue),
        cogs=f.money_text(sales.cogs, venue),
        pour_cost=f.pct_text(sales.pour_cost_pct) if sales.net_sales.minor else "–",
        gross_profit=f.money_text(sales.gross_profit, venue),
        top_items=tuple(
            TopItem(
                name=item.pos_item.name,
                quantity=str(f.units_sold(item.quantity)),
                net_sales=f.money_text(item.net_sales, venue),
            )
            for item in sales.items
        ),
        low_stock=low,
        unmapped_count=len(unmapped.items) + len(unmapped.modifiers),
        last_count=_day(max(counts), venue) if counts else None,
    )


def _period(first: str, last: str) -> str:
    return first if first == last else f"{first} – {last.split(' ')[-1]}"


def _day(moment: datetime, venue: Venue) -> str:
    return moment.astimezone(venue.zone).strftime("%b %-d")
