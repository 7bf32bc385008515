"""The App Home tab: a month-to-date dashboard per venue, published with `views.publish`.

`Dashboard` is front-end neutral (figures arrive formatted, like a `Table`'s cells), so whoever
gathers the numbers needs nothing from Slack. A Home view holds at most 100 blocks (slack-platform
.md §3.6); each venue takes at most `BLOCKS_PER_VENUE`, so a workspace with more venues than fit
gets pages of `VENUES_PER_PAGE` with Previous and Next buttons (`HOME_PAGE_ACTION_ID`). The
Refresh button (`HOME_REFRESH_ACTION_ID`) re-publishes the page shown; both carry the page as
their value. Home-tab clicks carry no response_url, so nothing here sends a command back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.commands.replies import Column, Table
from bot.slack.blocks import escape
from bot.slack.tables import fit, table_lines

__all__ = [
    "HOME_PAGE_ACTION_ID",
    "HOME_REFRESH_ACTION_ID",
    "VENUES_PER_PAGE",
    "Dashboard",
    "LowStock",
    "TopItem",
    "home_page",
    "home_view",
]

Json = dict[str, Any]

HOME_REFRESH_ACTION_ID = "barback_home_refresh"
HOME_PAGE_ACTION_ID = "barback_home_page"
MAX_HOME_BLOCKS = 100
BLOCKS_PER_VENUE = 7  # header, context, figures, top items, low stock, housekeeping, divider
VENUES_PER_PAGE = (MAX_HOME_BLOCKS - 2 - 2) // BLOCKS_PER_VENUE  # less the head and the pager
TOP_ITEMS = 5
LOW_STOCK = 10
HOME_WIDTH = 48  # the Home tab on a phone is narrower than a message


@dataclass(frozen=True, slots=True)
class TopItem:
    name: str
    quantity: str  # "42"
    net_sales: str  # "$504.00"


@dataclass(frozen=True, slots=True)
class LowStock:
    name: str
    on_hand: str  # "1.2 btl"
    par: str  # "6 btl"


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One venue's month to date, every figure already formatted for people."""

    venue: str  # the venue's display name
    period: str  # "November 1–21"
    net_sales: str
    cogs: str
    pour_cost: str  # "18.2%", or "–" with no sales
    gross_profit: str
    top_items: tuple[TopItem, ...] = ()
    low_stock: tuple[LowStock, ...] = ()
    unmapped_count: int = 0
    last_count: str | None = None  # "Nov 18", None: never counted


def home_view(dashboards: Sequence[Dashboard], *, as_of: datetime, page: int = 0) -> Json:
    """The `view` for `views.publish(user_id=..., view=...)`, showing the `page`-th group of
    `VENUES_PER_PAGE` venues (a page out of range shows the last); `as_of` must be
    timezone-aware (Slack shows it in each reader's own time zone)."""
    pages = max(1, math.ceil(len(dashboards) / VENUES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = dashboards[page * VENUES_PER_PAGE : (page + 1) * VENUES_PER_PAGE]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f"*barback* · month to date\n{_as_of(as_of)}"),
            accessory=ButtonElement(
                text=PlainTextObject(text="Refresh"),
                action_id=HOME_REFRESH_ACTION_ID,
                value=str(page),
            ),
        ),
        DividerBlock(),
    ]
    if not dashboards:
        blocks.append(_text("No venue is set up yet. Ask whoever runs barback to add one."))
    for dashboard in shown:
        blocks += _venue_blocks(dashboard)
    if pages > 1:
        blocks += _pager(page, pages, len(dashboards))
    view = View(type="home", blocks=blocks)
    return view.to_dict()


def _pager(page: int, pages: int, venues: int) -> list[Block]:
    first = page * VENUES_PER_PAGE + 1
    last = min((page + 1) * VENUES_PER_PAGE, venues)
    buttons = []
    if page > 0:
        buttons.append(_page_button("‹ Previous venues", page - 1))
    if page + 1 < pages:
        buttons.append(_page_button("Next venues ›", page + 1))
    note = f"venues {first}–{last} of {venues}"
    return [
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
        ActionsBlock(elements=buttons),
    ]


def _page_button(label: str, page: int) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=label), action_id=HOME_PAGE_ACTION_ID, value=str(page)
    )


def home_page(value: object) -> int:
    """The page a Refresh or a page button asks for (0 for anything else)."""
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 0


def _as_of(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    fallback = moment.strftime("%Y-%m-%d %H:%M %Z").strip()
    return f"_as of <!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>_"


def _text(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _venue_blocks(d: Dashboard) -> list[Block]:
    figures = [
        ("Net sales", d.net_sales),
        ("COGS", d.cogs),
        ("Pour cost", d.pour_cost),
        ("Gross profit", d.gross_profit),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=fit(d.venue, 150))),
        ContextBlock(elements=[MarkdownTextObject(text=escape(fit(d.period, 200)))]),
        SectionBlock(
            fields=[MarkdownTextObject(text=f"*{k}*\n{escape(fit(v, 100))}") for k, v in figures]
        ),
        _text(_top_items(d.top_items)),
        _text(_low_stock(d.low_stock)),
        _text(_housekeeping(d)),
        DividerBlock(),
    ]
    return blocks


def _code(title: str, table: Table) -> str:
    header, lines = table_lines(table, HOME_WIDTH)
    body = "\n".join(escape(line.replace("`", "ˋ")) for line in (header, *lines))
    return f"*{title}*\n```\n{body}\n```"


def _top_items(items: tuple[TopItem, ...]) -> str:
    if not items:
        return "*Top items*\n_no sales yet this month_"
    columns = (Column("Item"), Column("Sold", "right"), Column("Net", "right"))
    rows = tuple((i.name, i.quantity, i.net_sales) for i in items[:TOP_ITEMS])
    return _code("Top items", Table(None, columns, rows))


def _low_stock(products: tuple[LowStock, ...]) -> str:
    if not products:
        return "*Low stock*\n:white_check_mark: nothing below its reorder point"
    columns = (Column("Product"), Column("On hand", "right"), Column("Par", "right"))
    rows = tuple((p.name, p.on_hand, p.par) for p in products[:LOW_STOCK])
    text = _code(f":warning: Low stock ({len(products)})", Table(None, columns, rows))
    if len(products) > LOW_STOCK:
        text += f"\n_…and {len(products) - LOW_STOCK} more: `/barback stock`_"
    return text


def _housekeeping(d: Dashboard) -> str:
    if d.unmapped_count:
        s = "" if d.unmapped_count == 1 else "s"
        unmapped = f":jigsaw: {d.unmapped_count} POS item{s} not mapped: `/barback unmapped`"
    else:
        unmapped = ":white_check_mark: every POS item is mapped"
    counted = f"last count {escape(d.last_count)}" if d.last_count else "never counted"
    return f"{unmapped}\n:clipboard: {counted}"
