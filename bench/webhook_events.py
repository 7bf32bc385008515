"""The webhook benchmark's data: pools of unique signed `receipt.closed` events for wrk to post,
and the read-only counters polled to see how many of them are booked.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol


def line_sets(rng: random.Random, count: int = 512) -> list[str]:
    """`count` JSON `lines` arrays of 3-4 lines from the demo's menu (modifiers, ~5% comps)."""
    from app.demo import MENU, receipt_lines

    weights = [item.weight for item in MENU]
    sets = []
    for _ in range(count):
        picks = rng.choices(MENU, weights=weights, k=rng.choice((3, 4)))
        lines = receipt_lines(rng, picks, quantities=(1, 1, 1, 2))
        sets.append(json.dumps(lines, separators=(",", ":")))
    return sets


def write_pool(path: Path, secret: str, prefix: str, count: int, rng: random.Random) -> int:
    """Write `count` unique signed receipt.closed events, one "<signature>\\t<body>" line each;
    returns the mean body size."""
    from integrations.generic.verify import sign

    sets = line_sets(rng)
    now = datetime.now(UTC)
    t = int(now.timestamp())
    stamps = [(now - timedelta(seconds=s)).isoformat(timespec="seconds") for s in range(120)]
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            body = (
                f'{{"event_id":"evt-{prefix}-{n}","type":"receipt.closed","receipt":'
                f'{{"id":"R-{prefix}-{n}","closed_at":"{stamps[n % 120]}","currency":"USD",'
                f'"lines":{sets[rng.randrange(len(sets))]}}}}}'
            ).encode()
            size += len(body)
            out.write(f"{sign(secret, body, t)}\t{body.decode()}\n")
    return size // count


# --- the counters -----------------------------------------------------------------------------

# One statement, so one snapshot: the states and the receipts agree with each other.
COUNTS_SQL = (
    "SELECT state, COUNT(*) FROM webhook_events GROUP BY state "
    "UNION ALL SELECT 'receipts', COUNT(*) FROM receipts"
)


class Counts(Protocol):
    """Event states plus "receipts", read on one connection kept open while polling."""

    def __call__(self) -> Mapping[str, int]: ...

    def close(self) -> None: ...


class SqliteCounts:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None

    def __call__(self) -> Mapping[str, int]:
        if self._connection is None:  # read-only; WAL readers never block the writer
            self._connection = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, timeout=10)
        return dict(self._connection.execute(COUNTS_SQL).fetchall())

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


class PostgresCounts:
    def __init__(self, url: str, schema: str) -> None:
        self._dsn = postgres_dsn(url)
        self._schema = schema
        self._loop = asyncio.new_event_loop()
        self._connection: Any = None

    def __call__(self) -> Mapping[str, int]:
        return self._loop.run_until_complete(self._read())

    async def _read(self) -> Mapping[str, int]:
        import asyncpg

        if self._connection is None:
            self._connection = await asyncpg.connect(
                self._dsn, timeout=10, server_settings={"search_path": self._schema}
            )
        return {row[0]: row[1] for row in await self._connection.fetch(COUNTS_SQL)}

    def close(self) -> None:
        if self._connection is not None:
            self._loop.run_until_complete(self._connection.close())
        self._loop.close()


def postgres_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql").difference_update_query(["schema"])
    return parsed.render_as_string(hide_password=False)
