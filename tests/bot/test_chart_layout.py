"""What a chart shows: labels that never touch, the time zone on the axis, only the hours with
sales, money the venue's way (the same text as the reply's), and the format asked for."""

from __future__ import annotations

import asyncio
import itertools
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.chart_axes import MIN_GAP_PX, visible_x_labels
from bot.charts import ChartRenderer, draw, render
from bot.commands.replies import ChartSpec, chart_format
from bot.commands.views.sales import sales_chart, sales_reply
from engine.money import Cost, Money
from engine.reports import SalesBucket, SalesReport
from engine.venue import UnitSystem, Venue, VenueId

NBSP = "\u00a0"


def venue(timezone: str = "America/Toronto", currency: str = "CAD") -> Venue:
    return Venue(VenueId(1), "bar", "The Bar", timezone, currency, UnitSystem.US, time(4, 0))


def night(place: Venue, sales: dict[int, int], day: date = date(2026, 11, 21)) -> SalesReport:
    """One business day by hour (04:00 to 04:00), `sales` in minor units by local hour."""
    start = datetime.combine(day, place.day_cutoff, tzinfo=ZoneInfo(place.timezone))
    buckets = []
    for i in range(24):
        at = start + timedelta(hours=i)
        minor = sales.get(at.hour, 0)
        buckets.append(
            SalesBucket(
                day, at, Money(minor, place.currency), Cost(minor * 200_000, place.currency)
            )
        )
    total = sum(sales.values())
    return SalesReport(
        venue=place,
        first=day,
        last=day,
        net_sales=Money(total, place.currency),
        refunds=Money(0, place.currency),
        cogs=Cost(total * 200_000, place.currency),
        receipts=len(sales),
        lines=len(sales),
        items=(),
        granularity="hour",
        buckets=tuple(buckets),
    )


def days(n: int, place: Venue) -> ChartSpec:
    first = date(2026, 8, 24)
    labels = tuple((first + timedelta(days=i)).isoformat() for i in range(n))
    net = tuple(100_000 + i * 1_000 for i in range(n))
    return ChartSpec(
        "Days", place.currency, labels, "day", net, tuple(20.0 for _ in labels), 2,
        locale=place.locale, x_title="Business day",
    )  # fmt: skip


def x_label_boxes(spec: ChartSpec) -> list[tuple[float, float]]:
    fig = draw(spec)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw(renderer)
    [ax, *_] = fig.axes
    boxes = [label.get_window_extent(renderer) for label in visible_x_labels(ax, renderer)]
    return [(b.x0, b.x1) for b in boxes]


@pytest.mark.parametrize(
    "spec",
    [
        sales_chart(night(venue(), {h: 5_000 + h for h in range(24)})),  # every hour sold
        days(31, venue()),
        days(92, venue("Europe/Paris", "EUR")),  # a quarter: long labels, narrow slots
    ],
    ids=["24 hours", "a month", "a quarter"],
)
def test_x_labels_never_touch(spec: ChartSpec) -> None:
    boxes = x_label_boxes(spec)
    assert len(boxes) >= min(len(spec.x_labels), 8)  # thinned, not emptied
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(boxes)]
    assert min(gaps) >= MIN_GAP_PX - 0.5  # half a pixel: the final draw may round


def test_an_hour_chart_shows_the_hours_from_the_first_sale_to_the_last_in_the_venue_zone() -> None:
    place = venue("America/Toronto", "CAD")
    spec = sales_chart(night(place, {18: 4_250, 19: 0, 21: 12_800, 1: 1_250}))
    assert spec.x_labels == ("18:00", "19:00", "20:00", "21:00", "22:00", "23:00", "00:00", "01:00")
    assert spec.net_sales_minor == (4_250, 0, 0, 12_800, 0, 0, 0, 1_250)
    assert spec.x_title == "Hour (America/Toronto, EST)"
    [ax, *_] = draw(spec).axes
    assert ax.get_xlabel() == "Hour (America/Toronto, EST)"


def test_a_night_without_sales_keeps_the_whole_day_and_says_so() -> None:
    spec = sales_chart(night(venue(), {}))
    assert len(spec.x_labels) == 24 and not spec.has_sales


def test_a_day_chart_names_the_zone_and_when_a_business_day_starts() -> None:
    place = venue("Europe/Paris", "EUR")
    report = night(place, {20: 1_000})
    by_day = SalesReport(
        **{**{f: getattr(report, f) for f in report.__dataclass_fields__}, "granularity": "day"}
    )
    assert sales_chart(by_day).x_title == "Business day (Europe/Paris, from 04:00)"


@pytest.mark.parametrize(
    ("timezone", "currency", "shown"),
    [("America/Toronto", "CAD", "$12.50"), ("Europe/Paris", "EUR", f"12,50{NBSP}€")],
)
def test_money_reads_the_same_in_the_reply_and_on_the_chart(
    timezone: str, currency: str, shown: str
) -> None:
    report = night(venue(timezone, currency), {20: 1_250})
    reply = sales_reply(report)
    assert f"net sales {shown}," in reply.summary
    assert reply.chart is not None and reply.chart.subtitle is not None
    assert shown in reply.chart.subtitle
    fig = draw(reply.chart)
    [ax, *_] = fig.axes
    bar_labels = [t.get_text() for t in ax.texts]
    assert shown in bar_labels  # the value over the one bar
    assert currency not in " ".join(bar_labels)  # never "CAD 12.50" beside "$12.50"


@pytest.mark.parametrize(
    ("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")]
)
def test_each_format_is_written_as_asked(fmt: str, magic: bytes) -> None:
    spec = sales_chart(night(venue(), {20: 1_250, 21: 3_000}))
    assert render(spec, fmt).startswith(magic)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("sales.png", "png"), ("out/Sales.SVG", "svg"), ("a.b.pdf", "pdf")],
)
def test_the_extension_names_the_format(name: str, fmt: str) -> None:
    assert chart_format(name) == fmt


@pytest.mark.parametrize("name", ["sales.jpg", "sales", ".png", "sales.png/", "x.pdf.gz"])
def test_other_names_are_refused_with_the_reason(name: str) -> None:
    with pytest.raises(ValueError, match=r"--chart writes \.png, \.svg, \.pdf files"):
        chart_format(name)
    with pytest.raises(ValueError, match="not one of png, svg, pdf"):
        render(sales_chart(night(venue(), {})), "jpg")


def loaded() -> tuple[bool, ...]:
    """In the chart worker: what its warm-up has already loaded (looked at, never imported)."""
    wanted = ("matplotlib.figure", "matplotlib.font_manager", "bot.chart_axes", "babel.numbers")
    return tuple(name in sys.modules for name in wanted)


@pytest.mark.slow
async def test_warm_up_loads_everything_a_first_chart_needs_in_the_worker() -> None:
    async with ChartRenderer() as renderer:
        await renderer.warm_up()
        pool = renderer._running_pool()
        state = await asyncio.get_running_loop().run_in_executor(pool, loaded)
    assert state == (True, True, True, True)
