"""Toast order objects and signed webhook messages, built the way Toast's register computes them.

Money is a JSON double in major units (`14.4`), as Toast sends it; a selection's `price` is net of
its discounts (item and check level) and includes its modifiers' prices; `tax` is separate.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from integrations.toast.client import RESTAURANT_HEADER
from integrations.toast.verify import HEADER, sign

Json = dict[str, Any]
EPOCH = "1970-01-01T00:00:00.000+0000"


def toast_time(at: datetime) -> str:
    """`2024-05-24T02:14:05.902+0000`, as Toast writes times in orders."""
    utc = at.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+0000"


def major(cents: int) -> float:
    """Minor units as the double Toast would send (`1440` -> `14.4`)."""
    return float(Decimal(cents) / 100)


def ref(guid: str, entity: str) -> Json:
    return {"guid": guid, "entityType": entity, "externalId": None}


def menu_ref(guid: str, entity: str = "MenuItem") -> Json:
    return {"guid": guid, "entityType": entity, "multiLocationId": None}


def make_selection(
    guid: str,
    item_guid: str | None,
    name: str,
    *,
    price: int,
    gross: int | None = None,
    unit_price: int | None = None,
    quantity: float = 1.0,
    tax: int = 0,
    modifiers: list[Json] | None = None,
    discounts: list[Json] | None = None,
    voided: bool = False,
    void_date: datetime | None = None,
    refund: Json | None = None,
    modifier: bool = False,
    tax_inclusion: str = "NOT_INCLUDED",
    selection_type: str = "NONE",
) -> Json:
    """One selection (or, with `modifier`, one modifier selection); amounts in minor units."""
    return {
        "guid": guid,
        "entityType": "MenuItemSelection",
        "externalId": None,
        "item": None if item_guid is None else menu_ref(item_guid),
        "itemGroup": None if modifier else menu_ref(str(uuid.uuid5(uuid.NAMESPACE_URL, name))),
        "optionGroup": menu_ref("b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e") if modifier else None,
        "preModifier": None,
        "quantity": quantity,
        "unitOfMeasure": "NONE",
        "selectionType": selection_type,
        "displayName": name,
        "receiptLinePrice": major(price if unit_price is None else unit_price),
        "preDiscountPrice": major(price if gross is None else gross),
        "price": major(price),
        "tax": major(tax),
        "appliedTaxes": [],
        "taxInclusion": "INHERITED" if modifier else tax_inclusion,
        "appliedDiscounts": discounts or [],
        "modifiers": modifiers or [],
        "voided": voided,
        "voidDate": None if void_date is None else toast_time(void_date),
        "voidBusinessDate": None,
        "voidReason": ref(str(uuid.uuid4()), "VoidReason") if voided else None,
        "refundDetails": refund,
        "deferred": False,
        "fulfillmentStatus": "SENT",
        "seatNumber": -1,
        "optionGroupPricingMode": "ADJUSTS_PRICE" if modifier else None,
        "splitOrigin": None,
    }


def applied_discount(name: str, amount: int, *, percent: float | None = None) -> Json:
    return {
        "guid": str(uuid.uuid4()),
        "entityType": "SelectionAppliedDiscount",
        "externalId": None,
        "name": name,
        "discountAmount": major(amount),
        "nonTaxDiscountAmount": major(amount),
        "discount": ref(str(uuid.uuid5(uuid.NAMESPACE_URL, name)), "Discount"),
        "discountType": "PERCENT" if percent is not None else "FIXED",
        "discountPercent": percent,
        "appliedDiscountReason": None,
    }


def refund_details(amount: int, tax: int, transaction: str) -> Json:
    return {
        "refundAmount": major(amount),
        "taxRefundAmount": major(tax),
        "tipRefundAmount": 0.0,
        "refundTransaction": {"guid": transaction, "entityType": "RefundTransaction"},
    }


def make_payment(
    guid: str,
    check_guid: str,
    order_guid: str,
    amount: int,
    paid_at: datetime,
    *,
    refund: tuple[int, datetime, str] | None = None,
) -> Json:
    """A captured card payment; `refund` = (amount, when, refund transaction guid)."""
    return {
        "guid": guid,
        "entityType": "OrderPayment",
        "paidDate": toast_time(paid_at),
        "type": "CREDIT",
        "amount": major(amount),
        "tipAmount": 0.0,
        "cardType": "VISA",
        "last4Digits": "1111",
        "refundStatus": "NONE" if refund is None else "PARTIAL",
        "refund": None
        if refund is None
        else {
            "refundAmount": major(refund[0]),
            "tipRefundAmount": 0.0,
            "refundDate": toast_time(refund[1]),
            "refundBusinessDate": int(refund[1].strftime("%Y%m%d")),
            "refundTransaction": {"guid": refund[2], "entityType": "RefundTransaction"},
        },
        "paymentStatus": "CAPTURED",
        "voidInfo": None,
        "orderGuid": order_guid,
        "checkGuid": check_guid,
    }


def make_check(
    guid: str,
    selections: list[Json],
    *,
    status: str = "CLOSED",
    opened: datetime,
    paid: datetime | None,
    modified: datetime,
    amount: int = 0,
    tax: int = 0,
    payments: list[Json] | None = None,
    discounts: list[Json] | None = None,
    voided: bool = False,
    void_date: datetime | None = None,
) -> Json:
    return {
        "guid": guid,
        "entityType": "Check",
        "externalId": None,
        "displayNumber": "14",
        "payments": payments or [],
        "appliedDiscounts": discounts or [],
        "voidDate": None if void_date is None else toast_time(void_date),
        "paidDate": None if paid is None else toast_time(paid),
        "voided": voided,
        "paymentStatus": status,
        "amount": major(amount),
        "taxAmount": major(tax),
        "totalAmount": major(amount + tax),
        "tabName": "Bar Tab",
        "taxExempt": False,
        "openedDate": toast_time(opened),
        "selections": selections,
        "createdDate": toast_time(opened),
        "deleted": False,
        "deletedDate": EPOCH,
        "closedDate": toast_time(paid) if status == "CLOSED" and paid is not None else None,
        "modifiedDate": toast_time(modified),
    }


def make_order(
    guid: str,
    checks: list[Json],
    *,
    opened: datetime,
    modified: datetime,
    paid: datetime | None = None,
    voided: bool = False,
    void_date: datetime | None = None,
    deleted: bool = False,
) -> Json:
    closed = all(c["paymentStatus"] == "CLOSED" for c in checks) and paid is not None
    return {
        "guid": guid,
        "entityType": "Order",
        "externalId": None,
        "source": "In Store",
        "businessDate": int(opened.strftime("%Y%m%d")),
        "openedDate": toast_time(opened),
        "createdDate": toast_time(opened),
        "modifiedDate": toast_time(modified),
        "paidDate": None if paid is None else toast_time(paid),
        "closedDate": toast_time(paid) if closed and paid is not None else None,
        "voided": voided,
        "voidDate": None if void_date is None else toast_time(void_date),
        "deleted": deleted,
        "deletedDate": EPOCH,
        "approvalStatus": "APPROVED",
        "numberOfGuests": 2,
        "checks": checks,
        "pricingFeatures": ["TAXESV2"],
    }


@dataclass(frozen=True, slots=True)
class SignedMessage:
    body: bytes
    headers: dict[str, str]


def order_message(order: Json, restaurant: str, *, at: datetime, guid: str | None = None) -> Json:
    """The `order_updated` message Toast posts with the order (webhooks omit guest details)."""
    return {
        "timestamp": _stamp(at),
        "eventCategory": "order_updated",
        "eventType": "order_updated",
        "guid": guid or str(uuid.uuid4()),
        "details": {"restaurantGuid": restaurant, "order": order},
    }


def partner_message(kind: str, restaurant: str, name: str, *, at: datetime) -> Json:
    return {
        "timestamp": _stamp(at),
        "eventCategory": "partner",
        "eventType": kind,
        "guid": str(uuid.uuid4()),
        "details": {
            "restaurantGuid": restaurant,
            "managementGroupGuid": None,
            "restaurantName": name,
            "locationName": "Main Street",
            "externalGroupRef": None,
            "externalRestaurantRef": None,
        },
    }


def deliver(message: Json, secret: str, *, attempt: int = 1) -> SignedMessage:
    """A message as Toast posts it: compact JSON signed over body + timestamp, Toast's headers."""
    body = json.dumps(message, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        HEADER: sign(secret, body, message["timestamp"]),
        "Toast-Attempt-Number": str(attempt),
        "Toast-Event-Type": message["eventType"],
        "Toast-Event-Category": message["eventCategory"],
        "User-Agent": "Apache-HttpClient/4.5.10 (Java/1.8.0_212)",
    }
    restaurant = message.get("details", {}).get("restaurantGuid")
    if restaurant is not None:
        headers[RESTAURANT_HEADER] = restaurant
    return SignedMessage(body, headers)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
