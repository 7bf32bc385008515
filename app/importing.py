"""`barback --venue X import <file|->`: receipts in barback's generic format, from a file.

Everything is read first (`integrations.generic.batch`): a file with any unreadable event books
nothing and exits 2, naming each bad event by its place (`line 7`, `event 3`). Then each event is
booked in its own transaction, in file order: `receipt.closed` through `ingest_receipt`,
`receipt.refunded` through `ingest_refund`. Booking is idempotent, so re-running an import (after
fixing a refused event, say) books only what is new: the rest count as duplicates.

An event is *booked* when it recorded something new (a sale line, an unmapped sighting, a
refund), a *duplicate* when every line had been seen before, *refused* when the rules refused it
(wrong currency, a refund of more than was sold, a refund of a sale never recorded). Exit status
0 when nothing was refused, else 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.subcommands import Subparsers, add_command
from app.venue_session import open_session, venue_of

if TYPE_CHECKING:
    from app.config import Settings
    from integrations.generic.batch import Labelled

BOOKED, DUPLICATE, REFUSED = "booked", "duplicate", "refused"
NO_SALE = "refunds a sale never recorded (an unmapped item, or a receipt not imported yet)"


def add_import_command(commands: Subparsers[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "import",
        run_import,
        summary="book receipts in barback's generic format (a file, or - for stdin)",
        description=(
            "Book receipts and refunds in barback's generic format: one event object, a JSON\n"
            "array of them, or JSON lines. Every event is read first: one unreadable event\n"
            "books nothing. Re-running an import is safe: what was booked counts as duplicate."
        ),
        examples=[
            "barback --venue downtown import receipts.jsonl",
            "cat receipts.json | barback --venue downtown import - --json",
        ],
    )
    parser.add_argument("file", help="the events file, or - to read standard input")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("--venue", metavar="SLUG", default=argparse.SUPPRESS, help="the venue")


class Outcome:
    """What an import did: events per verdict, the refusals, lines without a mapping, and the
    mappings made by name that POS items took."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys((BOOKED, DUPLICATE, REFUSED), 0)
        self.refusals: list[dict[str, str]] = []
        self.unmapped_lines = 0
        self.adopted: list[str] = []


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    import json
    from pathlib import Path

    from integrations.generic.batch import read_events

    slug = venue_of(args, settings)
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    events = read_events(text)  # raises UnreadableEvents: nothing booked
    outcome = asyncio.run(_book(settings, slug, args.user, events))
    if args.json:
        data = {"venue": slug, **outcome.counts, "unmapped_lines": outcome.unmapped_lines}
        data |= {"adopted": outcome.adopted, "refusals": outcome.refusals}
        print(json.dumps(data, ensure_ascii=False))
    else:
        counts = outcome.counts
        print(f"booked {counts[BOOKED]}, duplicates {counts[DUPLICATE]}, refused {counts[REFUSED]}")
        for adopted in outcome.adopted:
            print(adopted)
        if outcome.unmapped_lines:
            print(f"lines without a mapping: {outcome.unmapped_lines} (see unmapped)")
    for refusal in outcome.refusals:
        print(
            f"barback: refused {refusal['where']} ({refusal['id']}): {refusal['message']}",
            file=sys.stderr,
        )
    return 2 if outcome.refusals else 0


async def _book(settings: Settings, slug: str, user: str, events: list[Labelled]) -> Outcome:
    from engine.errors import EngineError
    from engine.usecases.adopting import adoption_text
    from engine.usecases.ingest import ingest_receipt, ingest_refund
    from integrations.generic.normalize import ReceiptClosed

    database, ctx = await open_session(settings, slug, user)
    outcome = Outcome()
    try:
        for labelled in events:
            event = labelled.event
            try:
                if isinstance(event, ReceiptClosed):
                    result = await ingest_receipt(ctx.uow, ctx.clock, ctx.venue.id, event.receipt)
                    outcome.unmapped_lines += len({u.source_key for u in result.unmapped})
                    outcome.adopted += [adoption_text(ctx.venue, a) for a in result.adopted]
                    new = bool(result.booked or result.unmapped)
                    verdict, reason = (BOOKED if new else DUPLICATE), None
                else:
                    refund = await ingest_refund(ctx.uow, ctx.clock, ctx.venue.id, event.refund)
                    if refund.booked:
                        verdict, reason = BOOKED, None
                    elif refund.unmatched:
                        verdict, reason = REFUSED, NO_SALE
                    else:
                        verdict, reason = DUPLICATE, None
            except EngineError as error:
                verdict, reason = REFUSED, str(error)
            outcome.counts[verdict] += 1
            if reason is not None:
                document = (
                    event.receipt.receipt_id
                    if isinstance(event, ReceiptClosed)
                    else event.refund.refund_id
                )
                outcome.refusals.append(
                    {"where": labelled.where, "id": document, "message": reason}
                )
    finally:
        await database.close()
    return outcome
