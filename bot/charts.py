"""Draws a `ChartSpec` as a 1200x600 PNG: net sales as bars, pour cost % as a line on a twin axis.

Never pyplot: its global figure manager is neither thread- nor request-safe, and importing it costs
0.27 s (performance.md section 7). A `Figure` on the Agg canvas is all we need. matplotlib is
imported inside `render_png`, so importing this module (the web app does) costs nothing.

A render holds the CPU for ~110 ms, mostly in Python with the GIL held, so it must never run on the
event loop. `ChartRenderer` owns a one-worker process pool and is what the server uses;
`render_png_async` runs on any executor, by default the loop's thread pool (fine for the CLI and
tests, not for a busy server).
"""

from __future__ import annotations

import asyncio
import io
import math
import multiprocessing
import re
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING, Self

from bot.commands.replies import ChartSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 12, 6, 100  # 1200x600 px: sharp in Slack's preview, ~60-80 KB

BAR_COLOUR = "#4C78A8"  # a calm blue
LINE_COLOUR = "#F58518"  # orange, distinct from the blue for colour-blind readers too
GRID_COLOUR = "#E6E6E6"
TEXT_COLOUR = "#333333"
MUTED_COLOUR = "#666666"

MAX_LABELLED_BARS = 14  # beyond this, values above bars collide
MAX_TICK_LABELS = 31  # a month of days still gets one label each, rotated
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def render_png(spec: ChartSpec) -> bytes:
    """The chart as PNG bytes. CPU-bound (~110 ms): call it through an executor from async code."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    # The canvas attaches itself: the figure draws with Agg, with no pyplot and no backend lookup.
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _header(fig, spec)
    ax.set_ylabel(f"Net sales ({spec.currency})", color=TEXT_COLOUR)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)

    n = len(spec.x_labels)
    xs = list(range(n))
    scale = 10**spec.currency_exponent
    sales = [minor / scale for minor in spec.net_sales_minor]
    money = FuncFormatter(
        lambda v, _pos: _money(v, spec.currency, spec.currency_exponent, tick=True)
    )

    bars = ax.bar(xs, sales, width=0.7, color=BAR_COLOUR, label="Net sales", zorder=2)
    step = math.ceil(n / MAX_TICK_LABELS) if n else 1  # a quarter's 90 days: every third day
    ax.set_xticks(
        xs[::step], [_display_label(label, spec.x_kind) for label in spec.x_labels[::step]]
    )
    if _crowded(spec):
        ax.tick_params(axis="x", labelrotation=45)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    ax.tick_params(colors=MUTED_COLOUR, labelcolor=TEXT_COLOUR)
    ax.set_xlim(-0.6, max(n, 1) - 0.4)

    if not spec.has_sales:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.text(
            0.5,
            0.5,
            "No sales in this period",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=16,
            color=MUTED_COLOUR,
        )
        fig.tight_layout(rect=(0, 0, 1, 0.88))
        return _png(fig)

    top, bottom = max(0.0, *sales), min(0.0, *sales)
    headroom = 0.15 * (top - bottom)
    ax.set_ylim(bottom - (headroom if bottom < 0 else 0), top + headroom)
    ax.yaxis.set_major_locator(
        MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=spec.currency_exponent == 0)
    )
    ax.yaxis.set_major_formatter(money)
    if n <= MAX_LABELLED_BARS:
        labels = [_money(v, spec.currency, spec.currency_exponent) if v else "" for v in sales]
        ax.bar_label(bars, labels=labels, padding=3, fontsize=9, color=TEXT_COLOUR)

    cost_ax = ax.twinx()
    pct = [math.nan if p is None else p for p in spec.pour_cost_pct]
    cost_ax.plot(
        xs,
        pct,
        color=LINE_COLOUR,
        marker="o",
        markersize=5 if n <= MAX_TICK_LABELS else 3,
        linewidth=2 if n <= MAX_TICK_LABELS else 1.5,
        label="Pour cost %",
        zorder=3,
    )
    cost_ax.set_ylim(*_pct_limits(spec.pour_cost_pct))
    cost_ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    cost_ax.set_ylabel("Pour cost", color=LINE_COLOUR)
    cost_ax.tick_params(axis="y", colors=LINE_COLOUR, labelcolor=LINE_COLOUR)
    for side in ("top", "left"):
        cost_ax.spines[side].set_visible(False)
    cost_ax.spines["right"].set_color(LINE_COLOUR)

    _legend(fig, [ax, cost_ax])
    fig.tight_layout(rect=(0, 0, 1, 0.88))
    return _png(fig)


async def render_png_async(spec: ChartSpec, executor: Executor | None = None) -> bytes:
    """`render_png` off the event loop; `executor=None` is the loop's default thread pool."""
    return await asyncio.get_running_loop().run_in_executor(executor, render_png, spec)


class ChartRenderer:
    """Renders charts in a worker process; one per server, closed on shutdown.

    Why a process and not a thread: the 110 ms of a render are mostly Python holding the GIL, so a
    thread would still stall the event loop's callbacks, and matplotlib promises no thread safety.
    One worker keeps a core for the loop on our 2-core boxes and caps charts at ~9/s, far above
    what managers ask for; extra requests wait in the pool's queue. The worker is started with
    "spawn" (forking a process that runs an event loop and threads is unsafe) on the first chart,
    and imports matplotlib once, so the web process never does. If the worker dies (OOM, a kill),
    that render fails and the next one starts a fresh pool.
    """

    def __init__(self, *, max_workers: int = 1) -> None:
        self._max_workers = max_workers
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    async def render(self, spec: ChartSpec) -> bytes:
        pool = self._running_pool()
        try:
            return await render_png_async(spec, pool)
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise

    async def warm_up(self) -> None:
        """Start the worker and import matplotlib there now, instead of on the first chart."""
        await asyncio.get_running_loop().run_in_executor(self._running_pool(), _import_matplotlib)

    def close(self) -> None:
        """Stop the worker: queued renders are cancelled, a running one is waited for (≤ ~0.1 s)."""
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.close)

    def _running_pool(self) -> ProcessPoolExecutor:
        if self._closed:
            raise RuntimeError("the chart renderer is closed")
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._max_workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_import_matplotlib,
            )
        return self._pool


def _import_matplotlib() -> None:
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401


def _header(fig: Figure, spec: ChartSpec) -> None:
    fig.text(
        0.012,
        0.965,
        spec.title,
        ha="left",
        va="top",
        fontsize=16,
        fontweight="bold",
        color=TEXT_COLOUR,
    )
    if spec.subtitle:
        fig.text(0.012, 0.912, spec.subtitle, ha="left", va="top", fontsize=11, color=MUTED_COLOUR)


def _legend(fig: Figure, axes: Sequence[Axes]) -> None:
    handles, labels = [], []
    for axis in axes:
        h, lab = axis.get_legend_handles_labels()
        handles += h
        labels += lab
    fig.legend(
        handles,
        labels,
        loc="upper right",
        bbox_to_anchor=(0.988, 0.975),
        ncols=2,
        frameon=False,
        fontsize=10,
    )


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _money(value: float, currency: str, exponent: int, *, tick: bool = False) -> str:
    """$1,234 / €12.50 / CHF 1,234: whole units from 100 up (ticks: whenever whole), else cents."""
    whole = math.isclose(value, round(value), abs_tol=1e-9) if tick else abs(value) >= 100
    digits = 0 if whole else exponent
    amount = f"{abs(value):,.{digits}f}"
    symbol = SYMBOLS.get(currency)
    text = f"{symbol}{amount}" if symbol else f"{currency} {amount}"
    return f"-{text}" if value < 0 else text


def _display_label(label: str, kind: str) -> str:
    if kind == "day" and _ISO_DATE.match(label):
        day = date.fromisoformat(label)  # "Sat 21 Nov"; not strftime, which follows the locale
        return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return label


def _crowded(spec: ChartSpec) -> bool:
    # ~1050 px of plot width shared by n labels, ~7 px a character at 10 pt.
    if not spec.x_labels:
        return False
    shown = min(len(spec.x_labels), MAX_TICK_LABELS)
    widest = max(len(_display_label(label, spec.x_kind)) for label in spec.x_labels)
    return widest * 7 > 0.9 * 1050 / shown


def _pct_limits(values: Sequence[float | None]) -> tuple[float, float]:
    """From 0 to a round number above the highest value, at least 40%: a 20% night looks calm."""
    known = [v for v in values if v is not None]
    high = max([40.0, *known])
    low = min([0.0, *known])
    return (math.floor(low / 10) * 10, math.ceil(high * 1.15 / 10) * 10)
