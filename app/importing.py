"""`barback --venue X import <file|->`: receipts in barback's generic format, from a file.

Everything is read first (`integrations.generic.batch`): a file with any unreadable event, or
any value outside `engine.bounds`, books nothing and exits 2, naming each bad event by its place
(`line 7`, `event 3`) and the field. A file that cannot be read at all exits 2 with the reason.
Then each event is booked in its own transaction, in file order: `receipt.closed` through
`ingest_receipt`, `receipt.refunded` through `ingest_refund`. A refund whose sale comes later in
the file waits for it, as it does on webhooks: it is booked again after the rest of the file.
Booking is idempotent, so re-running an import (after fixing a refused event, say) books only
what is new: the rest count as duplicates.

An event is *booked* when it recorded something new (a sale line, an unmapped sighting, a
refund, a correction), a *duplicate* when it changed nothing, *refused* when the rules refused it
(wrong currency, a close more than a day ahead, a refund of a sale never recorded). A refund
that asks for more than its line has left books the rest and its excess is listed as refused.
Exit status 0 when nothing was refused, else 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.subcommands import Subparsers, add_command
from app.venue_session import open_session, venue_of

if TYPE_CHECKING:
    from app.config import Settings
    from bot.commands.context import SessionContext
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

    from integrations.generic.batch import read_events

    slug = venue_of(args, settings)
    events = read_events(read_text(args.file))  # raises UnreadableEvents: nothing booked
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


def read_text(name: str) -> str:
    """The file's text (`-`: standard input); `InvalidInput` saying why it cannot be read."""
    from pathlib import Path

    from engine.errors import InvalidInput

    shown = "standard input" if name == "-" else name
    try:
        if name == "-":
            return sys.stdin.read()
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        reason = "there is no such file"
    except IsADirectoryError:
        reason = "it is a folder, not a file"
    except PermissionError:
        reason = "permission is denied"
    except UnicodeDecodeError:
        reason = "it is not UTF-8 text"
    except OSError as error:
        reason = (error.strerror or "the system refused to read it").lower()
    raise InvalidInput(f"cannot read {shown}: {reason}", hint="give the path of a JSON file")


async def _book(settings: Settings, slug: str, user: str, events: list[Labelled]) -> Outcome:
    database, ctx = await open_session(settings, slug, user)
    outcome = Outcome()
    try:
        waiting: list[Labelled] = []
        for labelled in events:
            if not await _book_one(ctx, labelled, outcome, wait=True):
                waiting.append(labelled)
        for labelled in waiting:  # their sale may have come later in the file
            await _book_one(ctx, labelled, outcome, wait=False)
    finally:
        await database.close()
    return outcome


async def _book_one(
    ctx: SessionContext, labelled: Labelled, outcome: Outcome, *, wait: bool
) -> bool:
    """Book one event and count it; False when it is a refund waiting for its sale (`wait`)."""
    from engine.errors import EngineError
    from engine.usecases.adopting import adoption_text
    from engine.usecases.ingest import ingest_receipt, ingest_refund
    from integrations.generic.normalize import ReceiptClosed

    event = labelled.event
    reasons: list[str] = []
    try:
        if isinstance(event, ReceiptClosed):
            result = await ingest_receipt(ctx.uow, ctx.clock, ctx.venue.id, event.receipt)
            outcome.unmapped_lines += len({u.source_key for u in result.unmapped})
            outcome.adopted += [adoption_text(ctx.venue, a) for a in result.adopted]
            new = bool(result.booked or result.unmapped or result.corrected)
            verdict = BOOKED if new else DUPLICATE
        else:
            refund = await ingest_refund(ctx.uow, ctx.clock, ctx.venue.id, event.refund)
            if refund.unrecorded and wait:
                return False
            reasons += [r.reason for r in refund.refused]
            if refund.booked and any(r.quantity or r.amount for r in refund.booked):
                verdict = BOOKED
            elif refund.unmatched or refund.refused:
                verdict = REFUSED
                reasons = reasons if refund.refused else [NO_SALE]
            else:
                verdict = DUPLICATE
    except EngineError as error:
        verdict, reasons = REFUSED, [str(error)]
    outcome.counts[verdict] += 1
    ident = event.receipt.receipt_id if isinstance(event, ReceiptClosed) else event.refund.refund_id
    for reason in reasons:
        outcome.refusals.append({"where": labelled.where, "id": ident, "message": reason})
    return True
