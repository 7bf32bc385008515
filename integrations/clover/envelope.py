"""A Clover app webhook body (pos-formats.md §3.1) and what the worker does with each update.

One delivery batches many merchants and many updates:
`{"appId": "...", "merchants": {"<mId>": [{"objectId": "O:<id>", "type": "UPDATE", "ts": <ms>}]}}`.
Updates carry ids only. `split` turns a delivery into `Notice`s, one stored event each:
- only orders (`O:`) and payments (`P:`) created or updated matter; deletions and other objects
  (inventory, customers, apps...) are counted as ignored and not stored;
- several updates of one object in one delivery collapse to the latest (`ts`): each would fetch the
  same current order, and Clover sends bursts of them within a second;
- the dedupe key is (merchant, objectId, type, ts), Clover having no event id.

A stored notice's body is the notice alone as compact JSON (`Notice.body`), not the delivery: the
delivery may name other merchants, booked into other venues. Clover signs nothing, so no byte-exact
copy is needed to re-verify anything; the auth header is never stored.

`decide`: an order notice fetches that order; a payment notice fetches the payment, then the order
it paid. Only the fetched order's own state decides what is booked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from integrations.clover import fields as f
from integrations.clover import limits
from integrations.errors import BadPayload
from integrations.provider import Skip

ORDER = "O"
PAYMENT = "P"
KEPT_KINDS = frozenset({ORDER, PAYMENT})
KEPT_TYPES = frozenset({"CREATE", "UPDATE"})
TYPES = frozenset({"CREATE", "UPDATE", "DELETE"})
_OBJECT_ID = re.compile(r"^([A-Z]{1,4}):(.+)$")


@dataclass(frozen=True, slots=True)
class Notice:
    """One update of one object at one merchant: a stored event."""

    app_id: str | None
    merchant_id: str
    kind: str
    """The objectId's key: `O` orders, `P` payments."""
    target: str
    """The object's id, its key stripped."""
    type: str
    ts: int
    """When Clover says the change happened, Unix milliseconds."""

    @property
    def object_id(self) -> str:
        return f"{self.kind}:{self.target}"

    @property
    def dedupe_key(self) -> str:
        return f"{self.merchant_id}:{self.object_id}:{self.type}:{self.ts}"

    @property
    def body(self) -> bytes:
        notice = {
            "appId": self.app_id,
            "merchantId": self.merchant_id,
            "objectId": self.object_id,
            "type": self.type,
            "ts": self.ts,
        }
        return json.dumps(notice, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class Split:
    app_id: str | None
    notices: tuple[Notice, ...]
    """What to store, in the order they came."""
    ignored: int
    """Updates not stored: other objects, deletions, and earlier updates of a stored object."""


@dataclass(frozen=True, slots=True)
class FetchOrder:
    merchant_id: str
    order_id: str


@dataclass(frozen=True, slots=True)
class FetchPayment:
    merchant_id: str
    payment_id: str


def split(raw_body: bytes) -> Split:
    """The notices of a verified delivery; raises `BadPayload` when it is not Clover's shape."""
    body = f.decode(raw_body, "delivery")
    app_id = f.opt_ident(body, "appId", "delivery")
    merchants = f.obj(body, "merchants", "delivery")
    latest: dict[tuple[str, str], Notice] = {}
    total = 0
    for merchant_id, updates in merchants.items():
        if not limits.ID_PATTERN.match(merchant_id):
            raise BadPayload("delivery.merchants has a key that is not a Clover merchant id")
        where = f"delivery.merchants.{merchant_id}"
        if not isinstance(updates, list):
            raise BadPayload(f"{where} must be an array")
        total += len(updates)
        if total > limits.MAX_NOTICES:
            raise BadPayload(f"the delivery has more than {limits.MAX_NOTICES} updates")
        for i, update in enumerate(updates):
            notice = _notice(app_id, merchant_id, f.as_object(update, f"{where}[{i}]"), where)
            if notice.kind not in KEPT_KINDS or notice.type not in KEPT_TYPES:
                continue
            key = (merchant_id, notice.object_id)
            if key not in latest or latest[key].ts < notice.ts:
                latest[key] = notice
    notices = tuple(latest.values())
    return Split(app_id, notices, total - len(notices))


def parse_notice(raw_body: bytes) -> Notice:
    """A stored notice (`Notice.body`) read back."""
    body = f.decode(raw_body, "notice")
    merchant_id = f.ident(body, "merchantId", "notice")
    return _notice(f.opt_ident(body, "appId", "notice"), merchant_id, body, "notice")


def decide(notice: Notice) -> FetchOrder | FetchPayment | Skip:
    if notice.kind == ORDER and notice.type in KEPT_TYPES:
        return FetchOrder(notice.merchant_id, notice.target)
    if notice.kind == PAYMENT and notice.type in KEPT_TYPES:
        return FetchPayment(notice.merchant_id, notice.target)
    return Skip(f"Clover {notice.object_id} {notice.type} does not change inventory")


def _notice(app_id: str | None, merchant_id: str, update: f.JsonObject, where: str) -> Notice:
    object_id = f.opt_text(update, "objectId", where, longest=80)
    match = _OBJECT_ID.match(object_id or "")
    if match is None or not limits.ID_PATTERN.match(match.group(2)):
        raise BadPayload(f"{where}: objectId must be '<key>:<Clover id>', not {object_id!r}")
    kind = f.opt_text(update, "type", where)
    if kind not in TYPES:
        raise BadPayload(f"{where}: type must be CREATE, UPDATE or DELETE, not {kind!r}")
    ts = f.integer(update, "ts", where, low=limits.MIN_MILLIS, high=limits.MAX_MILLIS)
    return Notice(app_id, merchant_id, match.group(1), match.group(2), kind, ts)
