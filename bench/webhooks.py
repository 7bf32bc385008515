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
3. After the load: polls `webhook_events` (read-only) until no event is pending, and reports how
   long after the load ended the last one was booked, checking every stored event was booked
   (state done) into exactly one receipt.

Exit status: 0 measured (the aims are judged in the output, not by the status), 1 when something
was wrong (non-2xx answers, socket errors, events not booked or not one receipt each), 2 when wrk
or taskset is missing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

SECONDS = 10
WARMUP_SECONDS = 2
CONNECTIONS = 32
WARMUP_EVENTS = 30_000
EVENTS = 170_000  # ~200k in all; more than 10 s at the best rate performance.md measured
DRAIN_LIMIT_SECONDS = 30.0  # then the rest of the drain is estimated from the booking rate
POLL_SECONDS = 0.05
VENUE = "bench"
ADD_VENUE = ["venue", "add", VENUE, "--name", "Bench", "--timezone", "America/New_York"]
ADD_VENUE += ["--currency", "USD"]
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SERVER_CORE = "1"
CLIENT_CORE = "0"

AIM_SHARE = 0.12  # of hello world's req/s, on SQLite
AIM_P99_MS = 25.0

# Loads "<signature>\t<body>" lines and pre-formats every request in init() (before wrk's timer
# starts); done() prints one machine-readable line. No response() callback: it would slow wrk.
POST_LUA = r"""
local requests = {}
local n = 0
local i = 0

function init(args)
  local path = args[2]
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    n = n + 1
    requests[n] = wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Barback-Signature"] = line:sub(1, tab - 1),
    }, line:sub(tab + 1))
  end
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return requests[i]
end
"""

DONE_LUA = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d connect=%d read=%d " ..
    "write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""

_RESULT = re.compile(r"^BENCH (.*)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def acknowledged(self) -> int:
        return self.requests - self.non2xx


@dataclass(slots=True)
class Outcome:
    """One target's figures; `problems` lists what makes the run wrong, not merely slow."""

    target: str
    load: WrkResult | None = None
    warmup: WrkResult | None = None
    drain_seconds: float | None = None
    """None: still pending at DRAIN_LIMIT_SECONDS; `drain_estimate` extrapolates then."""
    drain_estimate: float | None = None
    booking_rate: float | None = None
    """Events booked per second after the load ended (the worker alone)."""
    pending_at_end: int = 0
    stored: int = 0
    booked: int = 0
    receipts: int = 0
    states: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None


# --- the tools --------------------------------------------------------------------------------


def missing_tools() -> str | None:
    """Why the benchmark cannot run here, or None."""
    if shutil.which("wrk") is None:
        return (
            "wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu; `make bench` does it "
            "when run as root), or `brew install wrk`"
        )
    if shutil.which("taskset") is None:
        return "taskset is not installed (util-linux): the server and wrk are pinned to cores"
    if len(os.sched_getaffinity(0)) < 2:
        return "needs 2 cores (server on core 1, wrk on core 0)"
    return None


def pinned(core: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", core, *command]


def barback_command() -> list[str]:
    script = Path(sys.executable).with_name("barback")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from app.cli import main; raise SystemExit(main())"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(database_url: str, port: int, data_dir: Path) -> dict[str, str]:
    """A clean environment: none of the caller's DATABASE_URL, Slack or POS credentials."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k in kept}
    env.update(
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="WARNING",
        BARBACK_DATA_DIR=str(data_dir),
        BARBACK_SECRET_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        PYTHONHASHSEED="0",
    )
    return env


def wait_ready(process: subprocess.Popen[bytes], url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(url: str, seconds: int, script: Path, *args: str) -> WrkResult:
    command = pinned(
        CLIENT_CORE,
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script), url],
    )
    if args:
        command += ["--", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = _RESULT.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    return WrkResult(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        non2xx=values["non2xx"],
        socket_errors=values["connect"] + values["read"] + values["write"] + values["timeout"],
    )


# --- hello world --------------------------------------------------------------------------------


def serve_hello(port: int) -> int:
    """The baseline server (run as `python -m bench.webhooks --hello PORT`): barback's loop."""
    from aiohttp import web

    from app.serve import run

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello, World!")

    async def main() -> int:
        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for received in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(received, stopped.set)
        await stopped.wait()
        await runner.cleanup()
        return 0

    return run(main())


def measure_hello(folder: Path) -> WrkResult:
    script = folder / "hello.lua"
    script.write_text(DONE_LUA)
    port = free_port()
    command = [sys.executable, "-m", "bench.webhooks", "--hello", str(port)]
    process = subprocess.Popen(pinned(SERVER_CORE, command), cwd=Path(__file__).parent.parent)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_ready(process, url)
        wrk(url, WARMUP_SECONDS, script)
        return wrk(url, SECONDS, script)
    finally:
        stop(process)


# --- the events -------------------------------------------------------------------------------


def line_sets(rng: random.Random, count: int = 512) -> list[str]:
    """`count` JSON `lines` arrays of 3-4 lines from the demo's menu (modifiers, ~5% comps)."""
    from app.demo import COMP_RATE, MENU

    weights = [item.weight for item in MENU]
    sets = []
    for _ in range(count):
        comp = rng.random() < COMP_RATE
        lines = []
        for i, item in enumerate(rng.choices(MENU, weights=weights, k=rng.choice((3, 4))), 1):
            quantity = rng.choice((1, 1, 1, 2))
            modifiers = [(m, price) for m, price, p in item.modifiers if rng.random() < p]
            unit = item.price + sum(price for _, price in modifiers)
            line: dict[str, Any] = {
                "id": f"L{i}",
                "name": item.name,
                "quantity": str(quantity),
                "net_amount": 0 if comp else unit * quantity,
            }
            if modifiers:
                line["modifiers"] = [{"name": m, "quantity": "1"} for m, _ in modifiers]
            lines.append(line)
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


# --- a database target --------------------------------------------------------------------------

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
    warm_pool, pool = folder / f"{target}-warm.txt", folder / f"{target}-pool.txt"
    tag = secrets.token_hex(3)
    write_pool(warm_pool, secret, f"w{tag}", WARMUP_EVENTS, rng)
    body_size = write_pool(pool, secret, f"m{tag}", EVENTS, rng)
    print(f"  {target}: {WARMUP_EVENTS + EVENTS:,} signed events, mean body {body_size:,} B")
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
        outcome.warmup = wrk(url, WARMUP_SECONDS, script, str(warm_pool), path)
        outcome.load = wrk(url, SECONDS, script, str(pool), path)
        ended = time.monotonic()
        drain(outcome, counts, ended)
    finally:
        stop(process)
        counts.close()
    check(outcome)
    return outcome


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
    runs = [r for r in (outcome.warmup, outcome.load) if r is not None]
    non2xx = sum(r.non2xx for r in runs)
    errors = sum(r.socket_errors for r in runs)
    acknowledged = sum(r.acknowledged for r in runs)
    if non2xx:
        outcome.problems.append(f"{non2xx:,} non-2xx answers")
    if errors:
        outcome.problems.append(f"{errors:,} socket errors or timeouts")
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


# --- the report -------------------------------------------------------------------------------


def report(hello: WrkResult, outcomes: list[Outcome]) -> None:
    print()
    print(
        f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s --latency, server on core {SERVER_CORE}, "
        f"wrk on core {CLIENT_CORE}, after a {WARMUP_SECONDS} s warm-up"
    )
    print(
        f"{'target':<22} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'% hello':>8} "
        f"{'backlog':>8} {'drain s':>8}"
    )
    print(
        f"{'aiohttp hello world':<22} {hello.rate:8,.0f} {hello.p50_ms:7.2f} "
        f"{hello.p99_ms:7.2f} {100.0:7.1f}% {'-':>8} {'-':>8}"
    )
    for outcome in outcomes:
        name = f"webhooks, {outcome.target}"
        load = outcome.load
        if outcome.skipped is not None or load is None:
            print(f"{name:<22} skipped: {outcome.skipped}")
            continue
        if outcome.drain_seconds is not None:
            drained = f"{outcome.drain_seconds:8.2f}"
        elif outcome.drain_estimate is not None:
            drained = f"~{outcome.drain_estimate:.0f}".rjust(8)
        else:
            drained = f">{DRAIN_LIMIT_SECONDS:.0f}".rjust(8)
        print(
            f"{name:<22} {load.rate:8,.0f} {load.p50_ms:7.2f} {load.p99_ms:7.2f} "
            f"{100 * load.rate / hello.rate:7.1f}% {outcome.pending_at_end:8,} {drained}"
        )
    print(
        "backlog: events pending when the load ended; drain: seconds from then until the last "
        f"was booked (~: estimated from the booking rate, past {DRAIN_LIMIT_SECONDS:.0f} s)"
    )
    for outcome in outcomes:
        if outcome.skipped is not None:
            continue
        pending = outcome.states.get("pending", 0)
        rate = outcome.booking_rate
        print(
            f"  {outcome.target}: {outcome.stored:,} events stored (warm-up + run), "
            f"{outcome.booked:,} booked into {outcome.receipts:,} receipts"
            + (f", {pending:,} still pending" if pending else "")
            + (f"; booking after the load: {rate:,.0f} events/s" if rate else "")
            + (f"; PROBLEMS: {'; '.join(outcome.problems)}" if outcome.problems else "")
        )
    judge(hello, outcomes)


def judge(hello: WrkResult, outcomes: list[Outcome]) -> None:
    sqlite = next((o for o in outcomes if o.target == "sqlite" and o.load is not None), None)
    if sqlite is None or sqlite.load is None:
        print("aims: not judged (no SQLite run)")
        return
    share = sqlite.load.rate / hello.rate
    p99 = sqlite.load.p99_ms
    verdicts = [
        f"{100 * share:.1f}% of hello world {'meets' if share >= AIM_SHARE else 'MISSES'} "
        f"the {100 * AIM_SHARE:.0f}% aim",
        f"p99 {p99:.1f} ms {'meets' if p99 < AIM_P99_MS else 'MISSES'} the {AIM_P99_MS:.0f} ms aim",
    ]
    backlog = sqlite.pending_at_end
    keeps_up = sqlite.drain_seconds is not None and sqlite.drain_seconds < 1.0
    verdicts.append(
        f"booking keeps up with ingest ({backlog:,} pending when the load ended)"
        if keeps_up
        else f"booking DOES NOT keep up ({backlog:,} pending when the load ended)"
    )
    print(f"aims (SQLite, synchronous=FULL): {'; '.join(verdicts)}")


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
