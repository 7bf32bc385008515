"""Charts: valid 1200x600 PNGs from Figure + Agg, never pyplot, rendered off the event loop.

To look at the two sample charts: `python -m tests.bot.test_charts` writes
/tmp/barback_chart_day.png and /tmp/barback_chart_range.png.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from bot.charts import BAR_COLOUR, LINE_COLOUR, ChartRenderer, render_png, render_png_async
from bot.commands.replies import ChartSpec

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def day_by_hour() -> ChartSpec:
    hours = tuple(f"{h % 24:02d}:00" for h in range(16, 27))  # 16:00 to 02:00, venue-local
    net = (4250, 12800, 23550, 41200, 56800, 61250, 72400, 68900, 45100, 18700, 0)
    pct = (19.0, 21.0, 18.0, 20.0, 22.0, 24.0, 23.0, 25.0, 27.0, 30.0, None)
    return ChartSpec(
        title="Downtown: sales by hour",
        currency="USD",
        x_labels=hours,
        x_kind="hour",
        net_sales_minor=net,
        pour_cost_pct=pct,
        currency_exponent=2,
        subtitle="Sat 21 Nov 2026 · net sales $4,049.50 · pour cost 22.9%",
    )


def thirty_days() -> ChartSpec:
    start = date(2026, 10, 23)
    labels, net, pct = [], [], []
    for i in range(30):
        day = start + timedelta(days=i)
        weekday_base = (180_000, 160_000, 200_000, 260_000, 420_000, 510_000, 300_000)
        closed = day == date(2026, 11, 16)  # a Monday with no sales: a gap in the line
        sales = 0 if closed else weekday_base[day.weekday()] + 7_919 * (i % 7)
        labels.append(day.isoformat())
        net.append(sales)
        pct.append(None if closed else 17.5 + (i * 37 % 9))
    return ChartSpec(
        title="Downtown: sales by day",
        currency="EUR",
        x_labels=tuple(labels),
        x_kind="day",
        net_sales_minor=tuple(net),
        pour_cost_pct=tuple(pct),
        currency_exponent=2,
        subtitle="23 Oct – 21 Nov 2026 · 30 business days",
    )


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", png[16:24])
    (crc,) = struct.unpack(">I", png[29:33])
    assert crc == zlib.crc32(png[12:29])
    return width, height


def share_of(png: bytes, colour: str) -> float:
    """The share of pixels drawn in `colour` (#RRGGBB), give or take anti-aliasing."""
    pixels = imread(io.BytesIO(png))[:, :, :3]
    target = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return float(np.mean(np.all(np.abs(pixels - target) < 0.02, axis=2)))


@pytest.mark.parametrize("spec", [day_by_hour(), thirty_days()], ids=["day", "range"])
def test_renders_a_1200x600_png_with_bars_and_line(spec: ChartSpec, tmp_path: Path) -> None:
    png = render_png(spec)

    assert png_size(png) == (1200, 600)
    assert share_of(png, BAR_COLOUR) > 0.05
    assert share_of(png, LINE_COLOUR) > 0.001
    (tmp_path / "chart.png").write_bytes(png)  # kept by pytest's tmp dir, for a look when it fails


def test_no_sales_renders_the_empty_message() -> None:
    empty = ChartSpec(
        title="Downtown: sales by hour",
        currency="JPY",
        x_labels=("18:00", "19:00"),
        x_kind="hour",
        net_sales_minor=(0, 0),
        pour_cost_pct=(None, None),
        currency_exponent=0,
    )

    png = render_png(empty)

    assert png_size(png) == (1200, 600)
    assert share_of(png, BAR_COLOUR) == 0
    assert share_of(png, LINE_COLOUR) == 0


def test_no_buckets_at_all_renders() -> None:
    spec = ChartSpec("Nothing", "USD", (), "day", (), (), 2)
    assert png_size(render_png(spec)) == (1200, 600)


def test_odd_data_renders() -> None:
    """Refunds beyond sales, a currency without a symbol, no minor units, a quarter of days."""
    refunds = ChartSpec(
        "Refund night", "GBP", ("18:00", "19:00", "20:00"), "hour", (1250, -3400, 880),
        (25.0, -8.2, 310.0), 2,
    )  # fmt: skip
    days = tuple((date(2026, 8, 24) + timedelta(days=i)).isoformat() for i in range(92))
    quarter = ChartSpec(
        "Uptown: a quarter", "CHF", days, "day", tuple(i * 1_000 for i in range(92)),
        (None, *([22.5] * 91)), 2,
    )  # fmt: skip
    yen = ChartSpec("Tokyo", "JPY", ("2026-11-20", "2026-11-21"), "day", (3, 5), (None, 40.0), 0)

    for spec in (refunds, quarter, yen):
        assert png_size(render_png(spec)) == (1200, 600)


@pytest.mark.slow
def test_rendering_never_imports_pyplot() -> None:
    # A fresh interpreter: in this one, another test or plugin could have imported pyplot.
    code = (
        "import sys\n"
        "import bot.charts\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib must be imported lazily'\n"
        "from tests.bot.test_charts import day_by_hour\n"
        "assert bot.charts.render_png(day_by_hour())[:4] == b'\\x89PNG'\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_rendering_here_leaves_pyplot_alone() -> None:
    had_pyplot = "matplotlib.pyplot" in sys.modules
    render_png(day_by_hour())
    assert ("matplotlib.pyplot" in sys.modules) == had_pyplot


async def while_ticking(work: Awaitable[bytes]) -> tuple[bytes, list[float]]:
    """Runs `work` next to a 5 ms ticker; returns its result and the gaps between ticks."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    try:
        return await work, gaps
    finally:
        done.set()
        await ticking


@pytest.mark.slow
async def test_process_renderer_leaves_the_loop_free() -> None:
    async with ChartRenderer() as renderer:
        await renderer.warm_up()  # the spawn and the matplotlib import are not what we measure

        started = time.perf_counter()
        png, gaps = await while_ticking(renderer.render(thirty_days()))
        took = time.perf_counter() - started

    assert png_size(png) == (1200, 600)
    # A render on the loop would let the ticker run once at most, in one gap as long as the
    # render; relative to the render's own time, so a busy machine slows both alike.
    assert len(gaps) >= 5
    assert max(gaps) < took / 2


async def test_render_png_async_on_a_thread_executor() -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        png, gaps = await while_ticking(render_png_async(day_by_hour(), executor))

    assert png_size(png) == (1200, 600)
    assert len(gaps) >= 5


@pytest.mark.slow
async def test_process_renderer_renders_concurrent_requests() -> None:
    async with ChartRenderer() as renderer:
        pngs = await asyncio.gather(*(renderer.render(day_by_hour()) for _ in range(3)))

    assert len(set(pngs)) == 1  # deterministic, and every request answered


@pytest.mark.slow
async def test_a_dead_worker_fails_one_render_then_the_renderer_recovers() -> None:
    async with ChartRenderer() as renderer:
        await renderer.warm_up()
        pool = renderer._running_pool()
        pid = await asyncio.get_running_loop().run_in_executor(pool, os.getpid)
        os.kill(pid, signal.SIGKILL)  # the OOM killer, say

        with pytest.raises(BrokenProcessPool):
            for _ in range(50):  # until the pool has noticed
                await renderer.render(day_by_hour())
                await asyncio.sleep(0.05)

        assert png_size(await renderer.render(day_by_hour())) == (1200, 600)


async def test_a_closed_renderer_refuses() -> None:
    renderer = ChartRenderer()
    renderer.close()
    with pytest.raises(RuntimeError, match="closed"):
        await renderer.render(day_by_hour())


if __name__ == "__main__":
    for name, spec in (("day", day_by_hour()), ("range", thirty_days())):
        path = Path(f"/tmp/barback_chart_{name}.png")
        path.write_bytes(render_png(spec))
        print(path)
