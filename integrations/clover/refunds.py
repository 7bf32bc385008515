"""A Clover order's refunds and voided payments -> the engine's `Refund`s (pos-formats.md §3.7).

- Each element of `refunds` is one `Refund` of the order's sale, id = the Clover refund id,
  refunded when it was created. Its lines are the line items it lists (`refund.lineItems`) and
  those whose `lineItem.refund` points at it; each line comes back whole (a line item is one unit,
  or one weighed pour), at the amount it was charged.
- A refund naming no line items is a refund of an amount. Its amount less tax and tip, when that
  covers what is left of the order, refunds every line not refunded yet; when it is less, it is
  shared among those lines in proportion to what each was charged (largest remainder), each line's
  quantity in the same proportion.
- A payment voided after it was taken, on an order no longer paid, is a refund of the whole sale
  (`void-<payment id>`), refunded when the void was recorded (the payment's `modifiedTime`).
- A line item is refunded once: a later refund naming one already refunded leaves it out.
- Refunds are worked out per line item, then said of the receipt lines the line items are booked
  in (`grouping`): two of a round of three Margaritas refunded is 2 of that line.

Refunds are taken in the order Clover created them (ties by id), so the same order always gives the
same refunds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.receipt import ReceiptLine, Refund, RefundLine
from integrations.clover import fields as f
from integrations.clover import limits, pricing
from integrations.clover.grouping import Member

PROVIDER = "clover"


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    result: str | None
    amount: int
    created_at: datetime | None
    modified_at: datetime | None


def payments_of(order: f.JsonObject, where: str) -> list[Payment]:
    payments = []
    for path, payment in f.elements(order, "payments", where, limits.MAX_PAYMENTS):
        payments.append(
            Payment(
                id=f.ident(payment, "id", path),
                result=f.opt_text(payment, "result", path),
                amount=f.cents(payment, "amount", path) or 0,
                created_at=f.opt_millis(payment, "createdTime", path),
                modified_at=f.opt_millis(payment, "modifiedTime", path),
            )
        )
    return payments


def order_refunds(
    order: f.JsonObject,
    order_id: str,
    members: Sequence[Member],
    group_of: Mapping[str, str],
    voided: Sequence[Payment],
    closed_at: datetime,
    currency: str,
    left_out: list[str],
) -> list[Refund]:
    """`members`: the sale's line items, each booked in the line `group_of` names; `voided`: the
    voided payments of an order no longer paid (empty when it is)."""
    where = f"order {order_id}"
    lines = [(member.line, member.refund_id) for member in members]
    by_id = {line.line_id: line for line, _ in lines}
    refunded: set[str] = set()
    refunds: list[Refund] = []
    found = f.elements(order, "refunds", where, limits.MAX_REFUNDS)
    at = {path: f.opt_millis(r, "createdTime", path) or closed_at for path, r in found}
    for path, refund in sorted(found, key=lambda pr: (at[pr[0]], f.ident(pr[1], "id", pr[0]))):
        refund_id = f.ident(refund, "id", path)
        named = [f.ident(li, "id", p) for p, li in f.elements(refund, "lineItems", path, 1000)]
        named += [line.line_id for line, ref in lines if ref == refund_id]
        if named:
            chosen = []
            for line_id in dict.fromkeys(named):
                if line_id not in by_id:
                    left_out.append(f"refund {refund_id} of line {line_id}, not a line booked")
                elif line_id in refunded:
                    left_out.append(f"refund {refund_id} of line {line_id}, refunded already")
                else:
                    chosen.append(by_id[line_id])
            refund_lines = [_whole(line) for line in chosen]
        else:
            remaining = [line for line, _ in lines if line.line_id not in refunded]
            refund_lines = _by_amount(refund, path, remaining)
        if not refund_lines:
            left_out.append(f"refund {refund_id}: nothing left to refund")
            continue
        refunded.update(line.line_id for line in refund_lines)
        refunds.append(
            Refund(
                PROVIDER, refund_id, order_id, at[path], currency, _merged(refund_lines, group_of)
            )
        )
    if voided:
        last = max(voided, key=lambda p: (p.modified_at or p.created_at or closed_at, p.id))
        remaining = [line for line, _ in lines if line.line_id not in refunded]
        if remaining:
            refunds.append(
                Refund(
                    PROVIDER,
                    f"void-{last.id}",
                    order_id,
                    last.modified_at or last.created_at or closed_at,
                    currency,
                    _merged([_whole(line) for line in remaining], group_of),
                )
            )
    for path, credit in f.elements(order, "credits", where, limits.MAX_REFUNDS):
        left_out.append(f"manual refund (credit) {f.ident(credit, 'id', path)}")
    return refunds


def _by_amount(
    refund: f.JsonObject, path: str, remaining: Sequence[ReceiptLine]
) -> list[RefundLine]:
    """The lines an amount-only refund takes back: all of them when it covers them, else a
    proportional share of each."""
    amount = f.cents(refund, "amount", path) or 0
    extras = (f.cents(refund, "taxAmount", path) or 0) + (f.cents(refund, "tipAmount", path) or 0)
    net = max(abs(amount) - abs(extras), 0)
    left = sum(line.net_amount for line in remaining)
    if net == 0:
        return []
    if net >= left:
        return [_whole(line) for line in remaining]
    shares = pricing.spread(net, [line.net_amount for line in remaining])
    return [
        RefundLine(
            line.line_id, max(pricing.half_up(line.quantity * share, line.net_amount), 1), share
        )
        for line, share in zip(remaining, shares, strict=True)
        if share > 0
    ]


def _whole(line: ReceiptLine) -> RefundLine:
    return RefundLine(line.line_id, line.quantity, line.net_amount)


def _share_of(quantity: int, share: int, whole: int) -> int:
    """The quantity refunded with `share` of a line's `whole` amount: in proportion, at least 1."""
    return max(pricing.half_up(quantity * share, whole), 1)


def _merged(lines: Sequence[RefundLine], group_of: Mapping[str, str]) -> tuple[RefundLine, ...]:
    """Line items' refunds as refunds of the receipt lines they are booked in."""
    merged: dict[str, RefundLine] = {}
    for line in lines:
        line_id = group_of[line.line_id]
        found = merged.get(line_id)
        merged[line_id] = RefundLine(
            line_id,
            line.quantity + (0 if found is None else found.quantity),
            line.amount + (0 if found is None else found.amount),
        )
    return tuple(merged.values())
