"""Operations commands: `barback worker`, `barback events [--failed]`, `barback events replay`.

    barback worker [--once]               process stored webhook events, post alerts and daily
                                          summaries, until SIGTERM/Ctrl-C
                                          (`--once`: until nothing is due, then exit)
    barback events [--failed] [--limit N] the stored events, newest first
    barback events replay <id>|--failed   make an event (or every failed one) due again
    barback events prune [--older-than 30d]
                                          empty the bodies of events booked before then
                                          (default: BARBACK_EVENT_RETENTION)

Registered in `app/cli.py` by `add_ops_commands(commands)`; the words are listed in
`OPS_COMMANDS` so the grammar does not take them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from app.subcommands import (
    Subparsers,
    add_command,
    format_table,
    require_migrated,
    with_database,
)
from app.variables import Invalid, parse_age

# Imported when a command runs, so `barback --help` stays quick.
if TYPE_CHECKING:
    from app.config import Settings
    from engine.inbox import StoredEvent

OPS_COMMANDS = frozenset({"worker", "events"})
MAX_LIMIT = 1000


def add_ops_commands(commands: Subparsers[argparse.ArgumentParser]) -> None:
    """Add `worker` and `events` to the `barback` parser's subcommands."""
    worker = add_command(
        commands,
        "worker",
        run_worker,
        summary="process stored webhook events, post alerts and summaries (beside serve)",
        description="Process stored webhook events and send Slack alerts and daily summaries "
        "until SIGTERM or Ctrl-C. Any number of "
        "workers (and `barback serve`) can share one database.",
    )
    worker.add_argument("--once", action="store_true", help="stop when nothing is due")

    events = add_command(
        commands,
        "events",
        run_events,
        summary="list stored webhook events; replay one",
        description="The stored webhook events, newest first.",
        examples=[
            "barback events --failed",
            "barback events replay 42",
            "barback events prune --older-than 30d",
        ],
    )
    events.add_argument("--failed", action="store_true", help="only events that gave up")
    events.add_argument(
        "--limit", type=int, default=50, metavar="N", help=f"at most N, 1 to {MAX_LIMIT} (50)"
    )
    events.add_argument("--json", action="store_true", help='print {"events": [...]}')
    actions = events.add_subparsers(title="actions", metavar="ACTION")
    replay = actions.add_parser("replay", help="make an event due again, with fresh retries")
    target = replay.add_mutually_exclusive_group(required=True)
    target.add_argument("event_id", nargs="?", type=int, metavar="ID", help="the event's id")
    target.add_argument("--failed", dest="replay_failed", action="store_true", help="all failed")
    replay.set_defaults(command=run_replay)
    prune = actions.add_parser(
        "prune",
        help="empty the stored bodies of events booked longer ago than the retention",
        description="Empty the stored bodies (and headers) of webhook events booked or skipped "
        "longer ago than --older-than (default: BARBACK_EVENT_RETENTION, 30d). The events stay "
        "listed; pending and failed ones keep their bodies. The worker does this daily.",
    )
    prune.add_argument(
        "--older-than",
        type=_age,
        metavar="AGE",
        help="e.g. 30d or 36h (default: BARBACK_EVENT_RETENTION)",
    )
    prune.set_defaults(command=run_prune)


def run_events(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime

    from engine.errors import InvalidInput
    from storage.inbox import SqlInbox

    if not 1 <= args.limit <= MAX_LIMIT:
        raise InvalidInput(f"--limit must be from 1 to {MAX_LIMIT} (got {args.limit})")
    events = with_database(
        settings, lambda db: SqlInbox(db.engine).list(failed_only=args.failed, limit=args.limit)
    )
    now = datetime.now(UTC)
    if args.json:
        import json

        listed = [event_json(event, now) for event in events]
        print(json.dumps({"events": listed}, ensure_ascii=False))
        return 0
    if not events:
        print("no failed events" if args.failed else "no events yet", file=sys.stderr)
        return 0
    print(events_table(events, now))
    return 0


def run_replay(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime

    from engine.inbox import EventId
    from storage.inbox import SqlInbox

    now = datetime.now(UTC)
    if args.replay_failed:
        count = with_database(settings, lambda db: SqlInbox(db.engine).replay_failed(now))
        print(f"{count} failed event{'s' if count != 1 else ''} due again", file=sys.stderr)
        return 0
    with_database(settings, lambda db: SqlInbox(db.engine).replay(EventId(args.event_id), now))
    print(f"event {args.event_id} is due again", file=sys.stderr)
    return 0


def _age(text: str) -> timedelta:
    try:
        return parse_age(text)
    except Invalid as bad:
        raise argparse.ArgumentTypeError(bad.expected) from None


def run_prune(args: argparse.Namespace, settings: Settings) -> int:
    from app.retention import prune
    from storage.inbox import SqlInbox

    older_than: timedelta = args.older_than or settings.event_retention
    now = datetime.now(UTC)
    count = with_database(settings, lambda db: prune(SqlInbox(db.engine), older_than, now))
    before = (now - older_than).strftime("%Y-%m-%d %H:%M")
    print(
        f"emptied the bodies of {count} event{'s' if count != 1 else ''} booked before "
        f"{before} UTC",
        file=sys.stderr,
    )
    return 0


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    from app.keyfile import with_secret_key
    from app.serve import run

    require_migrated(settings)  # before the key file: a wrong folder gets nothing written
    return run(work(with_secret_key(settings), once=args.once))


async def work(settings: Settings, *, once: bool = False) -> int:
    import asyncio
    import logging
    import signal

    from app.clock import SystemClock
    from app.metrics_port import WorkerMetrics
    from app.notify import run_notifications
    from app.pos_parts import open_pos
    from app.processing import event_processor
    from app.webhooks import GATHER_SECONDS, WORKER_BATCH, worker_jobs
    from app.worker import InboxWorker
    from storage.inbox import SqlInbox
    from storage.migrate import open_migrated

    database = await open_migrated(settings.database_url)
    clock = SystemClock()
    # Counted only where they can be read: with METRICS_PORT, the worker serves /metrics.
    metrics = None if settings.metrics_port is None else WorkerMetrics(database)
    service = None if metrics is None else metrics.service
    webhooks = None if metrics is None else metrics.webhooks
    pos = await open_pos(settings, database, clock.now, metrics=service, observer=webhooks)
    try:
        processor = event_processor(database, clock.now, webhooks, readers=pos.readers())
        inbox = SqlInbox(database.engine)
        worker = InboxWorker(
            inbox,
            processor.process_many,
            clock.now,
            on_lag=None if webhooks is None else webhooks.lag,
            jobs=worker_jobs(settings, database, inbox, pos, clock.now),
            batch=WORKER_BATCH,
            gather_seconds=GATHER_SECONDS,
            outage=database.outage,
        )
        if once:
            count = await worker.drain()
            print(f"processed {count} event{'s' if count != 1 else ''}", file=sys.stderr)
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for received in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(received, stop.set)
        if metrics is not None and settings.metrics_port is not None:
            await metrics.open(settings.host, settings.metrics_port)
        worker.start()
        # Alerts and daily summaries go out from here too (serve runs its own unless told not).
        notifications = asyncio.create_task(
            run_notifications(settings, database, stop, metrics=service)
        )
        logger = logging.getLogger(__name__)
        logger.info("barback worker %s started", worker.owner)
        await stop.wait()
        logger.info("barback worker stopping")
        await worker.stop()
        await notifications
        return 0
    finally:
        if metrics is not None:
            await metrics.close()
        await pos.close()
        await database.close()


def event_json(event: StoredEvent, now: datetime) -> dict[str, object]:
    """One event as `barback events --json` lists it (newest first)."""
    return {
        "id": event.id,
        "provider": event.provider,
        "state": event.status(now),
        "attempts": event.attempts,
        "received_at": event.received_at.isoformat(),
        "next_attempt_at": event.next_attempt_at.isoformat(),
        "processed_at": None if event.processed_at is None else event.processed_at.isoformat(),
        "last_error": event.last_error,
    }


def events_table(events: Sequence[StoredEvent], now: datetime) -> str:
    from datetime import UTC

    rows = [("ID", "PROVIDER", "STATE", "ATTEMPTS", "RECEIVED", "LAST ERROR")]
    for event in events:
        received = event.received_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        error = (event.last_error or "").replace("\n", " ")
        rows.append(
            (
                str(event.id),
                event.provider,
                event.status(now) + (", body pruned" if event.pruned_at is not None else ""),
                str(event.attempts),
                received,
                error[:80] + ("…" if len(error) > 80 else ""),
            )
        )
    return format_table(rows)
