"""A Square webhook body (pos-formats.md §1.1-1.2) and what the worker should do with it.

The envelope is `{merchant_id, type, event_id, created_at, data: {type, id, object}}`; `event_id`
is the dedupe key. `data.type` is not branched on (the SDK and the published example disagree).

`decide` turns an event into `FetchOrder` or a `Skip`:
- `payment.created`/`payment.updated` with the payment `COMPLETED` -> fetch `payment.order_id`
  (the recommended trigger for sales rung on the POS app, which sends no order events);
- `order.created`/`order.updated` with state `COMPLETED` -> fetch `order_id`;
- `refund.created`/`refund.updated` with the refund `COMPLETED` -> fetch `refund.order_id`, which
  names the *return* order (the one with `returns[]`), not the sale;
- anything else (other states, `order.fulfillment.updated`, unknown types) -> `Skip`.
Fetching always re-reads the order: the webhook's state may be stale (deliveries are unordered),
and only the fetched order's own state decides whether anything is booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from integrations.errors import BadPayload
from integrations.provider import Skip
from integrations.square import fields as f

PAYMENT_EVENTS = frozenset({"payment.created", "payment.updated"})
ORDER_EVENTS = {"order.created": "order_created", "order.updated": "order_updated"}
REFUND_EVENTS = frozenset({"refund.created", "refund.updated"})
COMPLETED = "COMPLETED"


@dataclass(frozen=True, slots=True)
class PaymentChange:
    """`data.object.payment` of a payment event (the full `Payment`; only these fields matter)."""

    payment_id: str
    status: str
    order_id: str | None
    location_id: str | None


@dataclass(frozen=True, slots=True)
class OrderChange:
    """`data.object.order_updated` (or `order_created`): ids and state only, never the lines."""

    order_id: str
    state: str
    version: int | None
    location_id: str | None


@dataclass(frozen=True, slots=True)
class RefundChange:
    """`data.object.refund` (a `PaymentRefund`); `order_id` is the return order."""

    refund_id: str
    status: str
    order_id: str | None
    location_id: str | None


Change = PaymentChange | OrderChange | RefundChange


@dataclass(frozen=True, slots=True)
class Envelope:
    event_id: str
    merchant_id: str
    type: str
    created_at: datetime | None
    change: Change | None
    """None for event types barback does not act on."""

    @property
    def location_id(self) -> str | None:
        return None if self.change is None else self.change.location_id


@dataclass(frozen=True, slots=True)
class FetchOrder:
    """Fetch this order (`POST /v2/orders/batch-retrieve`) and book it if it is `COMPLETED`."""

    order_id: str
    location_id: str | None


def parse(raw_body: bytes) -> Envelope:
    """The envelope of a verified body; raises `BadPayload` when it is not Square's shape."""
    body = f.decode(raw_body, "event")
    kind = f.text(body, "type", "event")
    data = f.obj(body, "data", "event")
    return Envelope(
        event_id=f.text(body, "event_id", "event"),
        merchant_id=f.text(body, "merchant_id", "event"),
        type=kind,
        created_at=f.opt_instant(body, "created_at", "event"),
        change=_change(kind, f.opt_obj(data, "object", "event.data")),
    )


def decide(envelope: Envelope) -> FetchOrder | Skip:
    change = envelope.change
    if change is None:
        return Skip(f"{envelope.type} events do not change inventory")
    if isinstance(change, OrderChange):
        if change.state != COMPLETED:
            return Skip(f"order {change.order_id} is {change.state}, not {COMPLETED}")
        return FetchOrder(change.order_id, change.location_id)
    what = "payment" if isinstance(change, PaymentChange) else "refund"
    ident = change.payment_id if isinstance(change, PaymentChange) else change.refund_id
    if change.status != COMPLETED:
        return Skip(f"{what} {ident} is {change.status}, not {COMPLETED}")
    if change.order_id is None:
        return Skip(f"{what} {ident} has no order")
    return FetchOrder(change.order_id, change.location_id)


def _change(kind: str, data_object: f.JsonObject | None) -> Change | None:
    if kind in PAYMENT_EVENTS:
        payment = _object_of(data_object, "payment", kind)
        where = "event.data.object.payment"
        return PaymentChange(
            payment_id=f.text(payment, "id", where),
            status=f.text(payment, "status", where),
            order_id=f.opt_text(payment, "order_id", where),
            location_id=f.opt_text(payment, "location_id", where),
        )
    if kind in REFUND_EVENTS:
        refund = _object_of(data_object, "refund", kind)
        where = "event.data.object.refund"
        return RefundChange(
            refund_id=f.text(refund, "id", where),
            status=f.text(refund, "status", where),
            order_id=f.opt_text(refund, "order_id", where),
            location_id=f.opt_text(refund, "location_id", where),
        )
    key = ORDER_EVENTS.get(kind)
    if key is not None:
        order = _object_of(data_object, key, kind)
        where = f"event.data.object.{key}"
        version = order.get("version")
        return OrderChange(
            order_id=f.text(order, "order_id", where),
            state=f.text(order, "state", where),
            version=None if version is None else f.integer(order, "version", where),
            location_id=f.opt_text(order, "location_id", where),
        )
    return None


def _object_of(data_object: f.JsonObject | None, key: str, kind: str) -> f.JsonObject:
    if data_object is None:
        raise BadPayload(f"a {kind} event needs event.data.object.{key}")
    return f.obj(data_object, key, "event.data.object")
