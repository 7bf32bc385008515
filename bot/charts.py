"""Draws a `ChartSpec` at 1200x600 (PNG, or SVG or PDF for `--chart`): net sales as bars, pour
cost % as a line on a twin axis; money through the one formatter in the venue's locale, the x axis
naming its time zone, its labels thinned until none touch (`bot.chart_axes`).

Never pyplot: its global figure manager is neither thread- nor request-safe, and importing it costs
0.27 s. A `Figure` on the Agg canvas is all we need. matplotlib (and babel) are imported inside
`draw`, so importing this module (the web app and the CLI do) costs nothing.

A render holds the CPU for ~110 ms, mostly in Python with the GIL held, so it must never run on the
event loop. `ChartRenderer` owns a one-worker process pool and is what the server uses;
`render_png_async` runs on any executor, by default the loop's thread pool (fine for the CLI and
tests, not for a busy server). The first chart in a fresh process costs a second more (imports,
the font cache, the first layout): `ChartRenderer.warm_up` pays that at start, in its worker.
"""

from __future__ import annotations

import asyncio
import io
import math
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import TYPE_CHECKING, Self

from bot.commands.replies import CHART_FORMATS, ChartSpec

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
MAX_MARKED_POINTS = 31  # beyond a month of points, smaller markers and a thinner line


def render(spec: ChartSpec, fmt: str = "png") -> bytes:
    """The chart as `fmt` bytes (`png`, `svg` or `pdf`: `CHART_FORMATS`). CPU-bound (~110 ms
    for a PNG): call it through an executor from async code."""
    if fmt not in CHART_FORMATS:
        raise ValueError(f"chart format {fmt!r} is not one of {', '.join(CHART_FORMATS)}")
    buffer = io.BytesIO()
    draw(spec).savefig(buffer, format=fmt, dpi=DPI, facecolor="white")
    return buffer.getvalue()


def render_png(spec: ChartSpec) -> bytes:
    return render(spec, "png")


def draw(spec: ChartSpec) -> Figure:
    """The chart on a Figure with the Agg canvas, laid out (x labels thinned until none touch)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    from bot.chart_axes import display_label, money_label, pct_limits, thin_x_labels

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    # The canvas attaches itself: the figure draws with Agg, with no pyplot and no backend lookup.
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _header(fig, spec)
    ax.set_ylabel(f"Net sales ({spec.currency})", color=TEXT_COLOUR)
    if spec.x_title:
        ax.set_xlabel(spec.x_title, color=MUTED_COLOUR)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)

    n = len(spec.x_labels)
    xs = list(range(n))
    scale = 10**spec.currency_exponent
    sales = [minor / scale for minor in spec.net_sales_minor]
    bars = ax.bar(xs, sales, width=0.7, color=BAR_COLOUR, label="Net sales", zorder=2)
    ax.tick_params(colors=MUTED_COLOUR, labelcolor=TEXT_COLOUR)
    ax.set_xlim(-0.6, max(n, 1) - 0.4)
    labels = [display_label(label, spec.x_kind) for label in spec.x_labels]

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
        thin_x_labels(fig, ax, labels)
        return fig

    top, bottom = max(0.0, *sales), min(0.0, *sales)
    headroom = 0.15 * (top - bottom)
    ax.set_ylim(bottom - (headroom if bottom < 0 else 0), top + headroom)
    ax.yaxis.set_major_locator(
        MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=spec.currency_exponent == 0)
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: money_label(v, spec, tick=True)))
    if n <= MAX_LABELLED_BARS:
        values = [money_label(v, spec) if v else "" for v in sales]
        ax.bar_label(bars, labels=values, padding=3, fontsize=9, color=TEXT_COLOUR)

    cost_ax = ax.twinx()
    pct = [math.nan if p is None else p for p in spec.pour_cost_pct]
    dense = n > MAX_MARKED_POINTS
    cost_ax.plot(
        xs,
        pct,
        color=LINE_COLOUR,
        marker="o",
        markersize=3 if dense else 5,
        linewidth=1.5 if dense else 2,
        label="Pour cost %",
        zorder=3,
    )
    cost_ax.set_ylim(*pct_limits(spec.pour_cost_pct))
    cost_ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    cost_ax.set_ylabel("Pour cost", color=LINE_COLOUR)
    cost_ax.tick_params(axis="y", colors=LINE_COLOUR, labelcolor=LINE_COLOUR)
    for side in ("top", "left"):
        cost_ax.spines[side].set_visible(False)
    cost_ax.spines["right"].set_color(LINE_COLOUR)

    _legend(fig, [ax, cost_ax])
    thin_x_labels(fig, ax, labels)
    return fig


async def render_png_async(spec: ChartSpec, executor: Executor | None = None) -> bytes:
    """`render_png` off the event loop; `executor=None` is the loop's default thread pool."""
    return await asyncio.get_running_loop().run_in_executor(executor, render_png, spec)


def warm() -> None:
    """Everything a first chart pays once per process (matplotlib, babel, the font cache, a
    layout), paid now (`ChartRenderer.warm_up` runs it in the worker)."""
    sample = ChartSpec(
        "warm-up", "USD", ("18:00", "19:00"), "hour", (1250, 0), (20.0, None), 2, locale="en_US"
    )
    render_png(sample)


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
        """Start the worker and draw a sample chart there now, instead of making the first chart
        a manager asks for pay for it: `barback serve` calls it in the background at start."""
        await asyncio.get_running_loop().run_in_executor(self._running_pool(), warm)

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
                initializer=_import_modules,
            )
        return self._pool


def _import_modules() -> None:
    """The worker's initializer: what every chart needs, imported before the first one."""
    import bot.chart_axes  # noqa: F401 (matplotlib, and babel through engine.money_text)


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
