"""Signed generic webhooks per second through `barback serve`, beside hello world (issue 4.7).

    python -m bench webhooks        (part of `make bench`, which installs wrk when it can)

Measured as performance.md measured its prototypes: `wrk -t1 -c32 -d10s --latency` after a 2 s
warm-up, the server alone on core 1 (`taskset -c 1`) and wrk on core 0, access log off, loopback.

1. Hello world: a bare aiohttp app answering `GET /` with "Hello, World!", on the same event loop
   `barback serve` runs (`app.serve.run`: uvloop when installed), `access_log=None`.
2. For SQLite (a fresh file, synchronous=FULL: every event is on disk before its 2xx) and for
   PostgreSQL (`TEST_POSTGRES_URL`, else the local test server, in a throwaway schema; skipped with
   the reason when it does not answer): `barback db upgrade`, `barback venue add bench`, the demo's
   bar set up on it (products, mappings, modifiers: booking depletes, as in production), `barback
   venue secret bench`; then 200k unique `receipt.closed` events (3-4 lines, modifiers, unique
   event and receipt ids), each signed just before the run (`Barback-Signature`, checked within 5
   minutes), written to two pools (warm-up, measurement) that a wrk Lua script pre-formats in
   `init()`, before wrk's clock starts. `barback serve` (LOG_LEVEL=WARNING) books them with its
   inbox worker while it ingests.
3. A steady run first: after the warm-up has been booked, 10 s paced at about STEADY_RATE
   requests/s (wrk's `delay()`; each connection waits between requests), to see whether booking
   keeps up with ingest at a rate that does not saturate the server: how many events are pending
   when it ends, and how long after it the last is booked. Its latencies are not reported: the
   connections one commit answers come back together, so they measure wrk's bursts.
4. Then the saturating run, as performance.md measured. After it: polls `webhook_events`
   (read-only) until no event is pending, and reports how long after the load ended the last one
   was booked, checking every stored event was booked (state done) into exactly one receipt.

Exit status: 0 measured (the aims are judged in the output, not by the status), 1 when something
was wrong (non-2xx answers, socket errors, events not booked or not one receipt each), 2 when wrk
or taskset is missing.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from bench.servers import (
    barback_command,
    free_port,
    measure_hello,
    serve_hello,
    server_env,
    stop,
    wait_ready,
)
from bench.webhook_events import Counts, PostgresCounts, SqliteCounts, postgres_dsn, write_pool
from bench.webhook_outcome import DRAIN_LIMIT_SECONDS, STEADY_RATE, Outcome
from bench.webhooks_report import report
from bench.wrk import (
    DONE_LUA,
    POST_LUA,
    SECONDS,
    SERVER_CORE,
    WARMUP_SECONDS,
    missing_tools,
    pinned,
    wrk,
)

WARMUP_EVENTS = 30_000
STEADY_EVENTS = 8_000
EVENTS = 170_000  # ~200k in all; more than 10 s at the best rate performance.md measured
POLL_SECONDS = 0.05
VENUE = "bench"
ADD_VENUE = ["venue", "add", VENUE, "--name", "Bench", "--timezone", "America/New_York"]
ADD_VENUE += ["--currency", "USD"]
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


# --- a database target --------------------------------------------------------------------------


def prepare(database_url: str, env: Mapping[str, str]) -> str:
    """The schema, the venue and the demo's bar on it; the venue's webhook secret."""
    barback = barback_command()
    for words in (["db", "upgrade"], ADD_VENUE):
        subprocess.run([*barback, *words], env=env, check=True, capture_output=True)
    secret = subprocess.run(
        [*barback, "venue", "secret", VENUE], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    set_up_bar(database_url)
    return secret


def set_up_bar(database_url: str) -> None:
    """Products, servings, mappings and modifier rules (`barback demo`'s): booking depletes."""
    import io

    from app.config import Settings
    from app.demo import set_up

    settings = Settings.from_env({"DATABASE_URL": database_url})
    now = datetime.now(UTC)
    asyncio.run(set_up(settings, VENUE, "bench", now, io.StringIO()))


def measure_target(
    target: str, database_url: str, folder: Path, counts: Counts, rng: random.Random
) -> Outcome:
    outcome = Outcome(target)
    port = free_port()
    env = server_env(database_url, port, folder / "data")
    secret = prepare(database_url, env)
    script = folder / "post.lua"
    script.write_text(POST_LUA + DONE_LUA)
    pools = {name: folder / f"{target}-{name}.txt" for name in ("warm", "steady", "load")}
    tag = secrets.token_hex(3)
    write_pool(pools["warm"], secret, f"w{tag}", WARMUP_EVENTS, rng)
    write_pool(pools["steady"], secret, f"s{tag}", STEADY_EVENTS, rng)
    body_size = write_pool(pools["load"], secret, f"m{tag}", EVENTS, rng)
    total = WARMUP_EVENTS + STEADY_EVENTS + EVENTS
    print(f"  {target}: {total:,} signed events, mean body {body_size:,} B")
    process = subprocess.Popen(
        pinned(SERVER_CORE, [*barback_command(), "serve"]),
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(process, f"{base}/healthz")
        url = f"{base}/webhooks/generic/{VENUE}"
        path = f"/webhooks/generic/{VENUE}"
        outcome.warmup = wrk(url, WARMUP_SECONDS, script, str(pools["warm"]), path)
        settle(counts, DRAIN_LIMIT_SECONDS)
        outcome.steady = wrk(url, SECONDS, script, str(pools["steady"]), path, rate=STEADY_RATE)
        ended = time.monotonic()
        outcome.steady_backlog = counts().get("pending", 0)
        outcome.steady_drain = settle(counts, DRAIN_LIMIT_SECONDS, since=ended)
        outcome.load = wrk(url, SECONDS, script, str(pools["load"]), path)
        ended = time.monotonic()
        drain(outcome, counts, ended)
    finally:
        stop(process)
        counts.close()
    check(outcome)
    return outcome


def settle(counts: Counts, limit: float, *, since: float | None = None) -> float | None:
    """Wait until nothing is pending; seconds from `since` (default: now) until then, or None
    when still pending after `limit` seconds."""
    start = time.monotonic() if since is None else since
    while counts().get("pending", 0):
        if time.monotonic() - start > limit:
            return None
        time.sleep(POLL_SECONDS)
    return time.monotonic() - start


def drain(outcome: Outcome, counts: Counts, ended: float) -> None:
    """Poll until nothing is pending: how long after the load ended the last event was booked.
    Past DRAIN_LIMIT_SECONDS, the rest is estimated from the rate the worker books at."""
    found = counts()
    outcome.pending_at_end = pending = found.get("pending", 0)
    first_done, first_at = found.get("done", 0), time.monotonic()
    while pending:
        if time.monotonic() - ended > DRAIN_LIMIT_SECONDS:
            break
        time.sleep(POLL_SECONDS)
        found = counts()
        pending = found.get("pending", 0)
    now = time.monotonic()
    outcome.states = {k: v for k, v in found.items() if k != "receipts"}
    outcome.stored = sum(outcome.states.values())
    outcome.booked = outcome.states.get("done", 0)
    outcome.receipts = found["receipts"]
    if now > first_at and outcome.booked > first_done:
        outcome.booking_rate = (outcome.booked - first_done) / (now - first_at)
    if pending == 0:
        outcome.drain_seconds = now - ended
    elif outcome.booking_rate:
        outcome.drain_estimate = now - ended + pending / outcome.booking_rate


def check(outcome: Outcome) -> None:
    runs = [r for r in (outcome.warmup, outcome.steady, outcome.load) if r is not None]
    non2xx = sum(r.non2xx for r in runs)
    errors = sum(r.socket_errors for r in runs)
    acknowledged = sum(r.acknowledged for r in runs)
    if non2xx:
        outcome.problems.append(f"{non2xx:,} non-2xx answers")
    if errors:
        outcome.problems.append(f"{errors:,} socket errors or timeouts")
    if outcome.steady is not None and outcome.steady.requests > STEADY_EVENTS:
        outcome.problems.append("the steady pool wrapped: later requests were duplicates")
    if outcome.load is not None and outcome.load.requests > EVENTS:
        outcome.problems.append("the pool wrapped: later requests were duplicates (raise EVENTS)")
    if outcome.stored < acknowledged:
        outcome.problems.append(f"{outcome.stored:,} events stored for {acknowledged:,} 2xx")
    others = {k: v for k, v in outcome.states.items() if k not in ("done", "pending")}
    if others:
        outcome.problems.append(f"events not booked: {others}")
    if outcome.drain_seconds is not None and outcome.receipts != outcome.booked:
        outcome.problems.append(f"{outcome.receipts:,} receipts for {outcome.booked:,} events")


def measure_sqlite(folder: Path, rng: random.Random) -> Outcome:
    path = folder / "bench.db"
    url = f"sqlite+aiosqlite:///{path}"
    return measure_target("sqlite", url, folder, SqliteCounts(path), rng)


def measure_postgres(folder: Path, rng: random.Random) -> Outcome:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = os.environ.get("TEST_POSTGRES_URL", POSTGRES_URL)
    schema = f"bench_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(postgres_dsn(url), timeout=3)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    try:
        asyncio.run(admin(f'CREATE SCHEMA "{schema}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return Outcome("postgresql", skipped=f"{type(error).__name__}: {error}")
    try:
        scoped = make_url(url).update_query_dict({"schema": schema})
        return measure_target(
            "postgresql",
            scoped.render_as_string(hide_password=False),
            folder,
            PostgresCounts(url, schema),
            rng,
        )
    finally:
        asyncio.run(admin(f'DROP SCHEMA "{schema}" CASCADE'))


def run() -> int:
    why = missing_tools()
    if why is not None:
        print(f"webhooks benchmark skipped: {why}")
        return 2
    busy = os.getloadavg()[0]
    if busy > 0.5:
        print(f"  WARNING: load average {busy:.1f} before the run: other work shares the cores")
    rng = random.Random(4)
    with tempfile.TemporaryDirectory(prefix="barback-bench-") as tmp:
        folder = Path(tmp)
        hello = measure_hello(folder)
        print(f"  hello world: {hello.rate:,.0f} req/s")
        outcomes = []
        for measure in (measure_sqlite, measure_postgres):
            target = folder / measure.__name__
            target.mkdir()
            outcomes.append(measure(target, rng))
    report(hello, outcomes)
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")
    return 1 if any(o.problems for o in outcomes) else 0


def main() -> int:
    """The `python -m bench` entry point (`BENCHMARKS["webhooks"]`)."""
    return run()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--hello"]:
        raise SystemExit(serve_hello(int(sys.argv[2])))
    raise SystemExit(main())
