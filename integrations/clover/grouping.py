"""Clover line items -> receipt lines: one line per round of identical items.

Clover has no quantity: two Old Fashioneds are two line items (pos-formats.md §3.5), and its
register shows them as one line "2 x Old Fashioned" (`groupLineItems`). barback books them the
way the receipt reads, and the way every other POS sends them: one line of 2. So the same night
gives the same books (lines, quantities) whichever POS rang it.

Line items are *the same* when their content is: the inventory item, the price and unit quantity,
the modifications and the discounts (`Member.content`, built by `normalize`). They join one
line when they were rung within `ROUND_MS` of the first of them (`createdTime`): a round. Items of
the same content rung later (another round on the tab, or units added after the order was booked)
make a line of their own, so they are booked rather than taken for the round already booked.

The line's id is the item and a digest of the content and the round's first time: the same for
every snapshot of the order, whatever else changes on it (refunds, voids, new rounds), which is
what keeps booking idempotent. Its quantity and amount are the sums of its members'; a refund of
some members is a refund of that share of the line (`group_of` maps each line item to its line).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from engine.receipt import ReceiptLine

ROUND_MS = 60_000


@dataclass(frozen=True, slots=True)
class Member:
    line: ReceiptLine
    """The line item alone: `line_id` is Clover's line item id."""
    content: str
    """What makes two line items the same sale (a canonical text)."""
    created_ms: int | None
    refund_id: str | None
    """`lineItem.refund.id`: the refund that took this line item back, when Clover says so."""


@dataclass(frozen=True, slots=True)
class Grouped:
    lines: tuple[ReceiptLine, ...]
    """In the order their first line item appears on the order."""
    group_of: Mapping[str, str]
    """Line item id -> the id of the receipt line it is booked in."""


def group(members: Sequence[Member]) -> Grouped:
    rounds: dict[str, tuple[int, str]] = {}  # content -> (first time, line id) of its last round
    group_of: dict[str, str] = {}
    by_time = sorted(members, key=lambda m: (m.created_ms or 0, m.line.line_id))
    for member in by_time:
        at = member.created_ms or 0
        current = rounds.get(member.content)
        if current is None or at - current[0] > ROUND_MS:
            current = (at, _line_id(member, at))
            rounds[member.content] = current
        group_of[member.line.line_id] = current[1]
    lines: dict[str, ReceiptLine] = {}
    for member in members:
        line_id = group_of[member.line.line_id]
        found = lines.get(line_id)
        if found is None:
            lines[line_id] = replace(member.line, line_id=line_id)
        else:
            lines[line_id] = replace(
                found,
                quantity=found.quantity + member.line.quantity,
                net_amount=found.net_amount + member.line.net_amount,
            )
    return Grouped(tuple(lines.values()), group_of)


def _line_id(member: Member, first_ms: int) -> str:
    digest = hashlib.sha256(f"{member.content}\n{first_ms}".encode()).hexdigest()[:12]
    return f"{member.line.pos_item_id}~{digest}"
