"""The webhook benchmark's report: the table beside hello world, the steady run and booking
lines, and the aims judged."""

from __future__ import annotations

from bench.webhook_outcome import DRAIN_LIMIT_SECONDS, STEADY_RATE, Outcome
from bench.wrk import CLIENT_CORE, CONNECTIONS, SECONDS, SERVER_CORE, WARMUP_SECONDS, WrkResult

AIM_SHARE = 0.12  # of hello world's req/s, on SQLite
AIM_P99_MS = 25.0


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
        steady = outcome.steady
        if steady is None:
            continue
        drained = (
            f"all booked {outcome.steady_drain:.2f} s after it ended"
            if outcome.steady_drain is not None
            else f"still pending {DRAIN_LIMIT_SECONDS:.0f} s after it ended"
        )
        # No latencies: wrk's pacing sends each commit's answered connections back together, so
        # a paced run measures bursts of 32, not the server.
        print(
            f"  {outcome.target}, steady run ({STEADY_RATE} req/s asked): {steady.rate:,.0f} req/s "
            f"for {steady.seconds:.0f} s; {outcome.steady_backlog:,} pending at its end, {drained}"
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
    steady = sqlite.steady
    keeps_up = sqlite.steady_drain is not None and sqlite.steady_drain < 1.0
    rate = f"{steady.rate:,.0f} req/s" if steady is not None else "the steady rate"
    verdicts.append(
        f"booking keeps up with ingest at {rate} (all booked within 1 s)"
        if keeps_up
        else f"booking DOES NOT keep up with ingest at {rate}"
    )
    verdicts.append(
        f"at saturation {sqlite.pending_at_end:,} were pending when the load ended"
        + (
            f", booked {sqlite.drain_seconds:.1f} s later"
            if sqlite.drain_seconds is not None
            else ""
        )
    )
    print(f"aims (SQLite, synchronous=FULL): {'; '.join(verdicts)}")
