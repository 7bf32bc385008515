"""barback's own signed format (`POST /webhooks/generic/<venue>`), as middleware would send it.

No POS API and no fake: the sender computes each line's `net_amount` (after comps and its share of
an order-level discount, before tax) and leaves a voided line out. Earlier versions of a receipt
are the same receipt with fewer lines and a lower `version`.
"""

from __future__ import annotations

import time
from typing import Any

from integrations.generic.verify import HEADER, sign
from tests.conformance.adapter import Delivery, Feature
from tests.conformance.bar import Bar, compact
from tests.conformance.night import CURRENCY, Item, Line, Modifier, Order, Refund

Json = dict[str, Any]
STALE_SECONDS = 3600


class Adapter:
    name = "generic"
    features: frozenset[Feature] = frozenset({"signed_time"})
    unknown_account = 404

    def __init__(self) -> None:
        self._venue = ""
        self._secret = ""

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def env(self) -> dict[str, str]:
        return {}

    def item_key(self, item: Item) -> str:
        return item.key

    def modifier_key(self, modifier: Modifier) -> str:
        return modifier.key

    async def connect(self, bar: Bar) -> None:
        # Nothing to bind: the venue is in the URL and `barback venue secret` signs.
        self._venue, self._secret = bar.venue, bar.secret

    def sale(self, order: Order) -> list[Delivery]:
        event = self._closed(order, order.sold, version=1)
        again = {**event, "event_id": f"evt-{order.key}-resent"}
        return [self._deliver(event), self._deliver(again)]

    def refund(self, refund: Refund) -> list[Delivery]:
        lines = [
            {"id": line.line.key, "quantity": str(line.quantity), "net_amount": line.amount}
            for line in refund.lines
        ]
        event = {
            "event_id": f"evt-{refund.key}",
            "type": "receipt.refunded",
            "receipt": {
                "id": refund.key,
                "refund_of": refund.order.key,
                "closed_at": refund.at.isoformat(),
                "currency": CURRENCY,
                "lines": lines,
            },
        }
        return [self._deliver(event)]

    def versions(self, order: Order) -> list[Delivery]:
        sold = order.sold
        first = self._closed(order, sold[:1], version=1)
        first["event_id"] = f"evt-{order.key}-v1"
        last = self._closed(order, sold, version=2)
        last["event_id"] = f"evt-{order.key}-v2"
        return [self._deliver(first), self._deliver(last)]

    def foreign(self, order: Order) -> Delivery:
        delivery = self._deliver(self._closed(order, order.sold, version=1))
        return Delivery("/webhooks/generic/nowhere", delivery.body, delivery.headers)

    def forge(self, delivery: Delivery) -> Delivery:
        headers = {**delivery.headers, HEADER: sign("whsec_not-the-venues", delivery.body, _now())}
        return Delivery(delivery.path, delivery.body, headers)

    def stale(self, order: Order) -> Delivery:
        return self._deliver(self._closed(order, order.sold, version=1), age=STALE_SECONDS)

    def hold(self, order: Order) -> None:
        raise NotImplementedError("the generic format has no API to reconcile with")

    def outage(self, calls: int) -> None:
        raise NotImplementedError("the generic format has no API")

    def rate_limit(self, calls: int, retry_after: int) -> None:
        raise NotImplementedError("the generic format has no API")

    async def reconcile(self, bar: Bar) -> None:
        raise NotImplementedError("the generic format has no API to reconcile with")

    # -- the format ----------------------------------------------------------------------------

    def _closed(self, order: Order, lines: tuple[Line, ...], *, version: int) -> Json:
        return {
            "event_id": f"evt-{order.key}",
            "type": "receipt.closed",
            "receipt": {
                "id": order.key,
                "closed_at": order.closed_at.isoformat(),
                "currency": CURRENCY,
                "version": version,
                "lines": [_line(line) for line in lines],
            },
        }

    def _deliver(self, event: Json, *, age: int = 0) -> Delivery:
        body = compact(event)
        headers = {
            "Content-Type": "application/json",
            HEADER: sign(self._secret, body, _now() - age),
        }
        return Delivery(f"/webhooks/generic/{self._venue}", body, headers)


def _line(line: Line) -> Json:
    return {
        "id": line.key,
        "item_id": line.item.key,
        "name": line.item.name,
        "quantity": str(line.quantity),
        "net_amount": line.net,
        "modifiers": [{"id": m.key, "name": m.name, "quantity": "1"} for m in line.modifiers],
    }


def _now() -> int:
    return int(time.time())
