"""The chart's axes: x labels thinned until none touch, money ticks the venue's way, limits.

Imported by `bot.charts` inside its drawing functions only, with matplotlib already loaded: this
module may import matplotlib and babel (through `engine.money_text`) at the top.

Thinning measures instead of guessing: after the layout, each x label's width in pixels is known,
and so is the distance between two slots; the step is the smallest at which every pair of shown
neighbours keeps `MIN_GAP_PX` between them, checked once more on the final layout (the layout may
move the axes by a few pixels).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.commands.replies import ChartSpec
from engine.money_text import format_amount

__all__ = ["display_label", "money_label", "pct_limits", "thin_x_labels", "visible_x_labels"]

MIN_GAP_PX = 8.0  # about one character at 10 pt: labels read as separate words
LAYOUT_RECT = (0.0, 0.0, 1.0, 0.88)  # the top eighth holds the title, subtitle and legend
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def money_label(value: float, spec: ChartSpec, *, tick: bool = False) -> str:
    """`$1,234` / `12,50 €` through the one money formatter: whole units from 100 up (on ticks:
    whenever the value is whole), else the currency's decimals."""
    whole = math.isclose(value, round(value), abs_tol=1e-9) if tick else abs(value) >= 100
    digits = 0 if whole else spec.currency_exponent
    amount = Decimal(f"{float(value):.{spec.currency_exponent}f}")
    return format_amount(amount, spec.currency, spec.locale, digits=digits)


def display_label(label: str, kind: str) -> str:
    if kind == "day" and _ISO_DATE.match(label):
        day = date.fromisoformat(label)  # "Sat 21 Nov"; not strftime, which follows the locale
        return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return label


def thin_x_labels(fig: Figure, ax: Axes, labels: Sequence[str]) -> int:
    """Lay the figure out with a label on every `step`-th bar, the smallest step at which no two
    labels touch; returns the step."""
    n = len(labels)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax.set_xticks(range(n), labels)
    fig.tight_layout(rect=LAYOUT_RECT)
    if n == 0:
        return 1
    widths = [label.get_window_extent(renderer).width for label in ax.get_xticklabels()]
    low, high = ax.get_xlim()
    per_slot = ax.get_window_extent(renderer).width / (high - low)
    step = 1
    while step < n and not _fits(widths, per_slot, step):
        step += 1
    while True:
        ax.set_xticks(range(0, n, step), labels[::step])
        fig.tight_layout(rect=LAYOUT_RECT)
        if step >= n or not _touching(visible_x_labels(ax, renderer), renderer):
            return step
        step += 1


def _fits(widths: Sequence[float], per_slot: float, step: int) -> bool:
    return all(
        step * per_slot >= (widths[i] + widths[i + step]) / 2 + MIN_GAP_PX
        for i in range(0, len(widths) - step, step)
    )


def visible_x_labels(ax: Axes, renderer: RendererBase) -> list[Text]:
    """The x tick labels drawn (text set, visible), left to right."""
    shown = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
    return sorted(shown, key=lambda t: t.get_window_extent(renderer).x0)


def _touching(labels: Sequence[Text], renderer: RendererBase) -> bool:
    boxes = [label.get_window_extent(renderer) for label in labels]
    return any(b.x0 - a.x1 < MIN_GAP_PX for a, b in itertools.pairwise(boxes))


def pct_limits(values: Sequence[float | None]) -> tuple[float, float]:
    """From 0 to a round number above the highest value, at least 40%: a 20% night looks calm."""
    known = [v for v in values if v is not None]
    high = max([40.0, *known])
    low = min([0.0, *known])
    return (math.floor(low / 10) * 10, math.ceil(high * 1.15 / 10) * 10)
