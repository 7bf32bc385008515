"""A month's `sales` report over 1,000,000 sale lines on SQLite (performance.md §6 target: 20 ms).

Builds a SQLite database with one venue, 120 POS items and 1,000,000 sale lines (about 3 a
receipt) spread over a year, inserted raw with executemany through the engine's connection, then
the daily rollups the booking path keeps (`daily_item_sales`, `daily_receipts`) in one
INSERT ... SELECT each. Then times `engine.usecases.reports.sales` for June (the whole month, the
worst case for month-to-date): the first run on a fresh connection, median of 20.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from engine.usecases import reports
from engine.usecases.periods import Period
from storage.database import Database, open_database
from storage.migrate import upgrade_database

LINES = 1_000_000
ITEMS = 120
RUNS = 20
YEAR_START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)  # 04:00 in New York: a business day's start
NOW = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)  # 23:00 on 30 June in New York


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


def stamp(at: datetime) -> str:
    """How `UtcDateTime` stores an instant on SQLite."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


async def build(database: Database, lines: int = LINES) -> None:
    await upgrade_database(database)
    rng = random.Random(7)
    created = stamp(YEAR_START)
    async with database.engine.begin() as conn:
        await conn.exec_driver_sql(
            "INSERT INTO venues (id, slug, name, timezone, currency, units, webhook_secret, "
            "created_at) VALUES (1, 'bench', 'Bench', 'America/New_York', 'USD', 'us', 'x', ?)",
            (created,),
        )
        await conn.exec_driver_sql(
            "INSERT INTO products (id, venue_id, name, name_key, dimension, container_size, "
            "cost_per_container, par, reorder_at, created_at) "
            "VALUES (1, 1, 'Well Vodka', 'well vodka', 'volume', 750000, 1500, 0, 0, ?)",
            (created,),
        )
        await conn.exec_driver_sql(
            "INSERT INTO pos_items (id, venue_id, provider, external_id, name, first_seen, "
            "last_seen) VALUES (?, 1, 'square', ?, ?, ?, ?)",
            [(i, f"item-{i}", f"Item {i}", created, created) for i in range(1, ITEMS + 1)],
        )
        await conn.exec_driver_sql(
            "INSERT INTO mappings (id, venue_id, pos_item_id, valid_from, created_by) "
            "VALUES (?, 1, ?, ?, 'bench')",
            [(i, i, created) for i in range(1, ITEMS + 1)],
        )
        receipts: list[tuple[object, ...]] = []
        sale_rows: list[tuple[object, ...]] = []
        receipt_id = 0
        seconds_in_year = 365 * 86_400
        while len(sale_rows) < lines:
            receipt_id += 1
            # Uniform over the year, inserted in time order, as a POS delivers them.
            offset = (len(sale_rows) * seconds_in_year) // lines + rng.randrange(0, 60)
            closed = YEAR_START + timedelta(seconds=offset)
            day = (closed - timedelta(hours=9)).date()  # business day (New York, 04:00 cutoff)
            receipts.append((receipt_id, f"R{receipt_id}", stamp(closed), day.isoformat()))
            for n in range(min(rng.randint(1, 5), lines - len(sale_rows))):
                item = rng.randint(1, ITEMS)
                sale_rows.append(
                    (
                        receipt_id,
                        f"square:R{receipt_id}:{n}",
                        item,
                        item,
                        1000,
                        rng.randrange(500, 1500),
                        rng.randrange(50, 300) * 1_000_000,
                        stamp(closed),
                        day.isoformat(),
                    )
                )
        await conn.exec_driver_sql(
            "INSERT INTO receipts (id, venue_id, provider, external_id, version, closed_at, "
            "business_day, currency, booked_at) VALUES (?, 1, 'square', ?, '1', ?, ?, 'USD', ?)",
            [(*r, r[2]) for r in receipts],
        )
        await conn.exec_driver_sql(
            "INSERT INTO sale_lines (venue_id, receipt_id, source_key, pos_item_id, mapping_id, "
            "quantity, net_amount, cogs, closed_at, business_day) "
            "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sale_rows,
        )
        # The rollups the booking transaction keeps, built in one pass each.
        await conn.exec_driver_sql(
            "INSERT INTO daily_item_sales (venue_id, business_day, pos_item_id, quantity, "
            "net_amount, cogs, lines) SELECT venue_id, business_day, pos_item_id, SUM(quantity), "
            "SUM(net_amount), SUM(cogs), COUNT(*) FROM sale_lines GROUP BY 1, 2, 3"
        )
        await conn.exec_driver_sql(
            "INSERT INTO daily_receipts (venue_id, business_day, receipts) "
            "SELECT venue_id, business_day, COUNT(*) FROM receipts GROUP BY 1, 2"
        )
    async with database.engine.connect() as conn:
        await conn.exec_driver_sql("ANALYZE")


async def time_month(database: Database, runs: int = RUNS) -> tuple[float, date, date, int]:
    """Median milliseconds of `sales month` at NOW; the first run on a fresh connection."""
    await database.engine.dispose()
    clock = FixedClock(NOW)
    timings = []
    report = None
    for _ in range(runs):
        start = time.perf_counter()
        report = await reports.sales(database.unit_of_work, clock, "bench", Period("month"))
        timings.append((time.perf_counter() - start) * 1000)
    assert report is not None
    return statistics.median(timings), report.first, report.last, report.lines


async def run(lines: int = LINES, directory: Path | None = None) -> float:
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        database = await open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        try:
            started = time.perf_counter()
            await build(database, lines)
            built = time.perf_counter() - started
            median, first, last, counted = await time_month(database)
        finally:
            await database.close()
    print(
        f"  built {lines:,} sale lines in {built:.1f} s; month {first}..{last}: {counted:,} lines"
    )
    print(f"sales report, {lines:,} lines, one month: {median:.2f} ms (median of {RUNS})")
    return median


def main() -> int:
    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
