"""A Toast webhook message (Toast's message data schema) and what it stands for.

`{timestamp, eventCategory, eventType, guid, details}`: `guid` identifies the message (the dedupe
key: a retry is the same message, with `Toast-Attempt-Number` incremented). Two categories matter:

- orders: `eventType` `order_updated` (or `channel_order_updated`), `details = {restaurantGuid,
  order}`, the complete order as `GET /orders/v2/orders/{guid}` returns it, sent on every change
  (item added, sent, paid, closed, voided, refunded);
- partners: `eventCategory` `partner`, `eventType` `partner_added` | `partner_removed` |
  `partner_updated`, `details = {restaurantGuid, restaurantName, locationName, ...}`: a restaurant
  gave barback access to its data, or took it back.

Anything else is kept (it was signed and acknowledged) and skipped by the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from integrations.errors import BadPayload
from integrations.toast import fields as f

ORDER_EVENTS = frozenset({"order_updated", "channel_order_updated"})
PARTNER_ADDED = "partner_added"
PARTNER_REMOVED = "partner_removed"
PARTNER_EVENTS = frozenset({PARTNER_ADDED, PARTNER_REMOVED, "partner_updated"})


@dataclass(frozen=True, slots=True)
class Envelope:
    guid: str
    timestamp: datetime
    category: str
    type: str
    restaurant_guid: str | None
    """Whose data it is; None only for categories that name no restaurant."""
    order: f.JsonObject | None
    """The full order of an order event."""
    restaurant_name: str | None = None
    """A partner event's `restaurantName` (and `locationName`), for people."""

    @property
    def is_order(self) -> bool:
        return self.type in ORDER_EVENTS

    @property
    def is_partner(self) -> bool:
        return self.type in PARTNER_EVENTS


def parse(raw_body: bytes, *, restaurant_header: str | None = None) -> Envelope:
    """The message of a verified body; raises `BadPayload` when it is not Toast's shape.
    `restaurant_header` (`Toast-Restaurant-External-ID`) stands in for a missing
    `details.restaurantGuid`."""
    body = f.decode(raw_body, "message")
    kind = f.text(body, "eventType", "message")
    details = f.opt_obj(body, "details", "message") or {}
    restaurant = f.opt_text(details, "restaurantGuid", "message.details") or restaurant_header
    order = None
    name = None
    if kind in ORDER_EVENTS:
        order = f.obj(details, "order", "message.details")
        if restaurant is None:
            raise BadPayload("message.details.restaurantGuid is missing")
    elif kind in PARTNER_EVENTS:
        if restaurant is None:
            raise BadPayload("message.details.restaurantGuid is missing")
        name = _place(details)
    return Envelope(
        guid=f.text(body, "guid", "message"),
        timestamp=f.instant(body, "timestamp", "message"),
        category=f.opt_text(body, "eventCategory", "message") or kind,
        type=kind,
        restaurant_guid=restaurant,
        order=order,
        restaurant_name=name,
    )


def _place(details: f.JsonObject) -> str | None:
    name = f.opt_text(details, "restaurantName", "message.details")
    location = f.opt_text(details, "locationName", "message.details")
    if name and location:
        return f"{name} ({location})"
    return name or location
