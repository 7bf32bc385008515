"""A Toast `Order` (Orders API v2) -> the engine's `Receipt`s and `Refund`s, for one snapshot.

Toast sends the whole order on every change, so each snapshot is normalised on its own, and the
same snapshot always gives the same documents (deliveries are unordered; rule 11).

One `Receipt` per check that is `PAID` or `CLOSED`, keyed by the check's guid:
- the order and the check are neither voided nor deleted (see voids below);
- version = the order's `modifiedDate` in epoch milliseconds: a later snapshot is a newer
  version, whatever order they arrive in;
- closed at the check's `paidDate` (then `closedDate`): the moment it was sold, the same in the
  PAID snapshot and in the CLOSED one that follows when the tip is adjusted;
- one line per selection, id = the selection's guid, POS item = its menu item's guid (an open
  item without one keys on its casefolded name), quantity = `quantity`;
- net amount = the selection's `price`, which Toast gives already net of item and check-level
  discounts and with its modifiers' prices; a comp is a 100% discount, so 0. Tax is never in it:
  where `taxInclusion` is `INCLUDED` (VAT) the selection's `tax` is taken out;
- modifiers: the nested `modifiers[]` selections, keyed by their menu item guids, flattened
  (a modifier of a modifier counts its own quantity times its parent's), each quantity per unit
  of the line (barback's rule 11, as Square's).

Voids and refunds (decisions where Toast's docs are silent):
- A selection voided before its check was paid was never sold: it is left out. One voided at or
  after the check's `paidDate` was sold, then taken back: it stays a sale line and a `Refund`
  (`void:<selection guid>`, at its `voidDate`) gives its amount back. A check or order voided
  after being paid is the same for each of its selections. Voided modifiers are left out.
- A selection with `refundDetails.refundAmount` (and its modifiers' refund amounts) is refunded
  by the `Refund` of that refund transaction (`refundTransaction.guid`), at the `refundDate` of
  the payment that carries it; the quantity refunded is the line's, in proportion to the amount
  when the refund is partial.
- Gift card sales and reloads, house account payments and deferred selections are left out: they
  pour nothing. Selections with quantity 0 are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.catalog import ModifierId, PosItemId, name_key
from engine.exact import div_half_even
from engine.receipt import ModifierLine, Receipt, ReceiptLine, Refund, RefundLine
from integrations.errors import BadPayload
from integrations.provider import Booked, Skip
from integrations.toast import amounts as a
from integrations.toast import fields as f

PROVIDER = "toast"
PAID_STATES = frozenset({"PAID", "CLOSED"})
NOT_POURED = frozenset({"TOAST_CARD_SELL", "TOAST_CARD_RELOAD", "HOUSE_ACCOUNT_PAY_BALANCE"})
_OPEN_ITEM = "Open item"


@dataclass(frozen=True, slots=True)
class Normalized:
    order_guid: str
    booked: tuple[Booked, ...]
    """Never empty: a snapshot that books nothing is a `Skip`."""
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Check:
    guid: str
    where: str
    paid_at: datetime | None
    void_at: datetime | None
    """When the check (or its order) was voided after being paid; None otherwise."""


def normalize_order(order: f.JsonObject, currency: str) -> Normalized | Skip:
    """One Toast order, in the restaurant's (the venue's) currency; raises `BadPayload`."""
    guid = f.text(order, "guid", "order")
    where = f"order {guid}"
    if f.flag(order, "deleted", where):
        return Skip(f"order {guid} is deleted")
    exponent = a.exponent_of(currency)
    modified = f.instant(order, "modifiedDate", where)
    version = int(modified.timestamp() * 1000)
    order_void = f.opt_instant(order, "voidDate", where) if f.flag(order, "voided", where) else None
    left_out: list[str] = []
    booked: list[Booked] = []
    for path, check in f.objects(order, "checks", where, limit=a.MAX_CHECKS):
        found = _check(check, path, order_void, order, left_out)
        if found is None:
            continue
        lines, refunds = _selections(check, found, exponent, left_out)
        if lines:
            booked.append(
                Receipt(PROVIDER, found.guid, version, _sold_at(check, found, modified), currency,
                        tuple(lines))
            )  # fmt: skip
        booked.extend(_refunds(check, found, refunds, currency, modified))
    if not booked:
        reasons = "; ".join(left_out) or "no checks"
        return Skip(f"order {guid} books nothing: {reasons}")
    return Normalized(guid, tuple(booked), tuple(left_out))


def _check(
    check: f.JsonObject,
    where: str,
    order_void: datetime | None,
    order: f.JsonObject,
    left_out: list[str],
) -> _Check | None:
    guid = f.text(check, "guid", where)
    if f.flag(check, "deleted", where):
        left_out.append(f"check {guid} is deleted")
        return None
    paid_at = f.opt_instant(check, "paidDate", where) or f.opt_instant(check, "closedDate", where)
    void_at = order_void
    if f.flag(check, "voided", where):
        void_at = f.opt_instant(check, "voidDate", where) or order_void
        void_at = void_at or f.opt_instant(order, "modifiedDate", "order")
    elif f.flag(order, "voided", "order") and void_at is None:
        void_at = f.opt_instant(order, "modifiedDate", "order")
    if void_at is not None:
        if paid_at is None or void_at < paid_at:
            left_out.append(f"check {guid} was voided before it was paid")
            return None
        return _Check(guid, where, paid_at, void_at)
    status = f.opt_text(check, "paymentStatus", where) or "OPEN"
    if status not in PAID_STATES:
        left_out.append(f"check {guid} is {status}")
        return None
    return _Check(guid, where, paid_at, None)


def _sold_at(check: f.JsonObject, found: _Check, modified: datetime) -> datetime:
    return found.paid_at or f.opt_instant(check, "closedDate", found.where) or modified


@dataclass(frozen=True, slots=True)
class _Taken:
    """A sold line given back: its refund id, when, and how much."""

    refund_id: str
    at: datetime | None
    line_id: str
    quantity: int
    amount: int


def _selections(
    check: f.JsonObject, found: _Check, exponent: int, left_out: list[str]
) -> tuple[list[ReceiptLine], list[_Taken]]:
    lines: list[ReceiptLine] = []
    taken: list[_Taken] = []
    seen: set[str] = set()
    for path, selection in f.objects(check, "selections", found.where, limit=a.MAX_SELECTIONS):
        guid = f.text(selection, "guid", path)
        if guid in seen:
            raise BadPayload(f"check {found.guid} has the selection {guid!r} twice")
        seen.add(guid)
        name = f.opt_text(selection, "displayName", path) or _OPEN_ITEM
        if f.flag(selection, "deferred", path) or selection.get("selectionType") in NOT_POURED:
            left_out.append(f"{name} ({guid}): no drink (gift card, house account, deferred)")
            continue
        void_at = found.void_at
        if f.flag(selection, "voided", path):
            void_at = f.opt_instant(selection, "voidDate", path) or found.void_at
            if found.paid_at is None or void_at is None or void_at < found.paid_at:
                left_out.append(f"{name} ({guid}) was voided before payment")
                continue
        quantity = a.milli(selection, "quantity", path)
        if quantity == 0:
            left_out.append(f"{name} ({guid}) with quantity 0")
            continue
        net = _net(selection, path, exponent)
        item = f.guid_of(selection, "item", path) or name_key(name)
        modifiers = _modifiers(selection, path, 1000, 1, left_out)
        lines.append(ReceiptLine(guid, PosItemId(item), name, quantity, net, tuple(modifiers)))
        if void_at is not None:
            taken.append(_Taken(f"void:{guid}", void_at, guid, quantity, net))
        else:
            taken.extend(_refunded(selection, path, guid, quantity, net, exponent))
    return lines, taken


def _net(selection: f.JsonObject, where: str, exponent: int) -> int:
    net = a.minor(selection, "price", where, exponent)
    if selection.get("taxInclusion") == "INCLUDED":
        net -= a.minor(selection, "tax", where, exponent)
    if net < 0:
        raise BadPayload(f"{where} has a negative net price")
    return net


def _modifiers(
    parent: f.JsonObject, where: str, per_unit: int, depth: int, left_out: list[str]
) -> list[ModifierLine]:
    if depth > a.MAX_DEPTH:
        raise BadPayload(f"{where} nests modifiers more than {a.MAX_DEPTH} deep")
    found: list[ModifierLine] = []
    for path, modifier in f.objects(parent, "modifiers", where, limit=a.MAX_MODIFIERS):
        name = f.opt_text(modifier, "displayName", path) or ""
        if f.flag(modifier, "voided", path):
            left_out.append(f"modifier {name or path} was voided")
            continue
        quantity = div_half_even(per_unit * a.milli(modifier, "quantity", path), 1000)
        if quantity == 0:
            left_out.append(f"modifier {name or path} with quantity 0")
            continue
        key = f.guid_of(modifier, "item", path) or name_key(name) or f.text(modifier, "guid", path)
        found.append(ModifierLine(ModifierId(key), name or key, quantity))
        found.extend(_modifiers(modifier, path, quantity, depth + 1, left_out))
    return found


def _refunded(
    selection: f.JsonObject, where: str, guid: str, quantity: int, net: int, exponent: int
) -> list[_Taken]:
    """The refund of a selection (its `refundDetails` and its modifiers'), or nothing."""
    details = f.opt_obj(selection, "refundDetails", where)
    if details is None:
        return []
    path = f"{where}.refundDetails"
    amount = a.minor(details, "refundAmount", path, exponent)
    for mod_path, modifier in f.objects(selection, "modifiers", where, limit=a.MAX_MODIFIERS):
        inner = f.opt_obj(modifier, "refundDetails", mod_path)
        if inner is not None:
            amount += a.minor(inner, "refundAmount", f"{mod_path}.refundDetails", exponent)
    if amount <= 0:
        return []
    amount = min(amount, net)
    refunded = quantity if amount >= net or net == 0 else div_half_even(quantity * amount, net)
    if refunded == 0:
        refunded = 1  # a refund of a few cents still names the line it gives back
    transaction = f.guid_of(details, "refundTransaction", path) or guid
    return [_Taken(transaction, None, guid, refunded, amount)]


def _refunds(
    check: f.JsonObject,
    found: _Check,
    taken: list[_Taken],
    currency: str,
    modified: datetime,
) -> list[Refund]:
    dates = _refund_dates(check, found.where)
    by_id: dict[str, list[_Taken]] = {}
    for item in taken:
        by_id.setdefault(item.refund_id, []).append(item)
    refunds = []
    for refund_id, items in by_id.items():
        at = items[0].at or dates.get(refund_id) or modified
        lines = tuple(RefundLine(i.line_id, i.quantity, i.amount) for i in items)
        refunds.append(Refund(PROVIDER, refund_id, found.guid, at, currency, lines))
    return refunds


def _refund_dates(check: f.JsonObject, where: str) -> dict[str, datetime]:
    """Refund transaction guid -> when, from the payments' `refund` objects."""
    dates: dict[str, datetime] = {}
    for path, payment in f.objects(check, "payments", where, limit=a.MAX_SELECTIONS):
        refund = f.opt_obj(payment, "refund", path)
        if refund is None:
            continue
        transaction = f.guid_of(refund, "refundTransaction", f"{path}.refund")
        at = f.opt_instant(refund, "refundDate", f"{path}.refund")
        if transaction is not None and at is not None:
            dates[transaction] = at
    return dates
