"""Square: orders held by `FakeSquare`, `payment.updated`/`order.updated`/`refund.updated` webhooks
signed over the notification URL and body, the OAuth consent to connect.

Square's order carries what the register computed: per line `gross_sales_money` (item and
modifiers), `total_discount_money` (a comp is a 100% line discount; an ORDER-scope discount puts
each line's share there) and `total_tax_money` (additive sales tax). A voided line is simply not
on a completed order. A refund is a return order pointing at the sale's line uids.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.processing import order_booker
from app.webhooks import square_key
from engine.connect_links import connect_link
from integrations.square.reconcile import square_reconciler
from integrations.square.verify import HEADER, sign
from tests.conformance.adapter import Delivery, Feature
from tests.conformance.bar import KEY, PUBLIC_URL, Bar
from tests.conformance.night import Item, Line, Modifier, Order, Refund
from tests.integrations.fakes.square import (
    FakeSquare,
    deliver,
    make_line,
    make_modifier,
    make_order,
    money,
    order_updated,
    payment_updated,
    refund_updated,
)

Json = dict[str, Any]
SIGNATURE_KEY = "sq-conformance-signature-key"
NOTIFICATION_URL = f"{PUBLIC_URL}/webhooks/square"


class Adapter:
    name = "square"
    features: frozenset[Feature] = frozenset({"fetch", "reconcile"})
    unknown_account = 200

    def __init__(self) -> None:
        self.fake = FakeSquare()

    async def start(self) -> None:
        await self.fake.__aenter__()

    async def stop(self) -> None:
        await self.fake.__aexit__(None, None, None)

    def env(self) -> dict[str, str]:
        return {
            "SQUARE_APPLICATION_ID": self.fake.client_id,
            "SQUARE_APPLICATION_SECRET": self.fake.client_secret,
            "SQUARE_WEBHOOK_SIGNATURE_KEY": SIGNATURE_KEY,
            "SQUARE_WEBHOOK_URL": NOTIFICATION_URL,
            "SQUARE_BASE_URL": self.fake.base_url,
        }

    def item_key(self, item: Item) -> str:
        return f"SQVAR-{item.key}"

    def modifier_key(self, modifier: Modifier) -> str:
        return f"SQMOD-{modifier.key}"

    async def connect(self, bar: Bar) -> None:
        """`connect square`'s link, Square's consent (the fake issues the code), the callback."""
        link = connect_link(PUBLIC_URL, "square", bar.venue, KEY, datetime.now(UTC))
        response = await bar.client.get(link.removeprefix(PUBLIC_URL), allow_redirects=False)
        assert response.status == 302, await response.text()
        state = parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]
        params = {"code": self.fake.issue_code(), "state": state}
        callback = await bar.client.get("/connect/square/callback", params=params)
        assert callback.status == 200, await callback.text()

    def sale(self, order: Order) -> list[Delivery]:
        self.fake.add_order(self._order(order))
        return [
            self._deliver(payment_updated(_id(order))),
            self._deliver(order_updated(_id(order), version=2)),
        ]

    def refund(self, refund: Refund) -> list[Delivery]:
        self.fake.add_order(_return(refund))
        return [self._deliver(refund_updated(_id_of(refund.key)))]

    def versions(self, order: Order) -> list[Delivery]:
        self.fake.add_order(self._order(order))
        opened = order_updated(_id(order), state="OPEN", version=1)
        return [self._deliver(opened), self._deliver(order_updated(_id(order), version=2))]

    def foreign(self, order: Order) -> Delivery:
        self.fake.add_order(self._order(order))
        return self._deliver(payment_updated(_id(order), merchant_id="MLSTRANGER0000"))

    def forge(self, delivery: Delivery) -> Delivery:
        headers = {**delivery.headers, HEADER: sign("not-the-key", NOTIFICATION_URL, delivery.body)}
        return Delivery(delivery.path, delivery.body, headers)

    def stale(self, order: Order) -> Delivery:
        raise NotImplementedError("Square's signature covers no time (dedupe stops replays)")

    def hold(self, order: Order) -> None:
        # Updated now: Square's search finds orders by update time.
        self.fake.add_order(self._order(order, updated_at=datetime.now(UTC)))

    def outage(self, calls: int) -> None:
        self.fake.recover()
        self.fake.outage(calls)

    def rate_limit(self, calls: int, retry_after: int) -> None:
        self.fake.rate_limit(calls, retry_after)

    async def reconcile(self, bar: Bar) -> None:
        parts = bar.app[square_key]

        def now() -> datetime:
            return datetime.now(UTC)

        # No `runs`: the worker claims one run per 5-minute slot; a case runs several.
        reconciler = square_reconciler(
            parts.client, parts.tokens, parts.connections, order_booker(bar.db, now), now
        )
        await reconciler.run()

    # -- Square's shapes -----------------------------------------------------------------------

    def _deliver(self, event: Json) -> Delivery:
        signed = deliver(event, signature_key=SIGNATURE_KEY, notification_url=NOTIFICATION_URL)
        return Delivery("/webhooks/square", signed.body, signed.headers)

    def _order(self, order: Order, *, updated_at: datetime | None = None) -> Json:
        lines = [self._line(line) for line in order.sold]
        body = make_order(
            _id(order),
            lines=lines,
            version=2,
            closed_at=_rfc3339(order.closed_at),
            updated_at=_rfc3339(updated_at or order.closed_at),
        )
        if order.discount_name is not None:
            body["discounts"] = [
                {
                    "uid": "order-discount",
                    "name": order.discount_name,
                    "type": "FIXED_PERCENTAGE",
                    "percentage": "10",
                    "applied_money": money(order.discount),
                    "scope": "ORDER",
                }
            ]
        body["total_tax_money"] = money(order.tax)
        body["total_money"] = money(order.net + order.tax)
        return body

    def _line(self, line: Line) -> Json:
        quantity = str(line.quantity)
        modifiers = [
            make_modifier(
                f"{line.key}-{m.key}",
                m.name,
                m.price,
                line_quantity=quantity,
                catalog_object_id=self.modifier_key(m),
            )
            for m in line.modifiers
        ]
        body = make_line(
            line.key,
            line.item.name,
            line.item.price,
            quantity,
            catalog_object_id=self.item_key(line.item),
            discount=line.discount,
            modifiers=modifiers,
        )
        body["total_tax_money"] = money(line.tax)
        body["total_money"] = money(line.net + line.tax)
        if line.comp:
            body["applied_discounts"] = [{"uid": f"{line.key}-comp", "discount_uid": "comp"}]
        elif line.order_discount:
            body["applied_discounts"] = [
                {
                    "uid": f"{line.key}-discount",
                    "discount_uid": "order-discount",
                    "applied_money": money(line.order_discount),
                }
            ]
        return body


def _return(refund: Refund) -> Json:
    items = []
    for returned in refund.lines:
        line, share = returned.line, returned.quantity
        items.append(
            {
                "uid": f"{refund.key}-{line.key}",
                "source_line_item_uid": line.key,
                "name": line.item.name,
                "quantity": str(share),
                "gross_return_money": money(line.gross * share // line.quantity),
                "total_discount_money": money(line.discount * share // line.quantity),
            }
        )
    returned_from = {"uid": "ret", "source_order_id": _id(refund.order), "return_line_items": items}
    at = _rfc3339(refund.at)
    return make_order(_id_of(refund.key), returns=[returned_from], closed_at=at, updated_at=at)


def _id(order: Order) -> str:
    return _id_of(order.key)


def _id_of(key: str) -> str:
    return f"SQORDER{key}"


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
