"""Shopify: POS orders held by `FakeShopify`, `orders/paid`, `orders/updated` and `refunds/create`
webhooks signed with the app's client secret, the OAuth install flow to connect.

Shopify's order is what the POS register computed, in decimal strings of the shop's currency:
per line item the unit `price` (the drink with its modifiers' prices: a shop that records
modifiers as line-item `properties`, barback's convention, charges them on the drink), the
integer `quantity`, `discount_allocations` (a comp is a 100% manual discount on the line; a
check-level discount is spread over the lines by Shopify itself) and `tax_lines` (sales tax on
top: `taxes_included` false). A voided line is not on a paid order. A refund is a `Refund` with
`refund_line_items` naming the sale's line item ids, and the order gains it in `refunds[]`.

Not in `features`: `fetch` (a sale's webhook carries the whole order, so no API call stands
between a sale and its booking; a refund's does fetch, and `tests/app/test_webhooks_shopify.py`
proves that path through an outage) and `signed_time` (Shopify signs the body only;
`X-Shopify-Triggered-At` is checked, but it is not signed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from app.webhooks import shopify_key
from engine.catalog import name_key
from engine.connect_links import connect_link
from integrations.shopify.verify import HEADER, sign
from tests.conformance.adapter import Delivery, Feature
from tests.conformance.bar import KEY, PUBLIC_URL, Bar
from tests.conformance.night import Item, Line, Modifier, Order, Refund
from tests.integrations.fakes.shopify import CLIENT_ID, CLIENT_SECRET, FakeShopify
from tests.integrations.fakes.shopify_orders import (
    SHOP,
    allocation,
    deliver,
    make_line,
    make_order,
    make_refund,
    money_set,
    variant_of,
)

Json = dict[str, Any]
FOREIGN_SHOP = "stranger-bar.myshopify.com"


class Adapter:
    name = "shopify"
    features: frozenset[Feature] = frozenset({"reconcile"})
    unknown_account = 200

    def __init__(self) -> None:
        self.fake = FakeShopify()
        self._refunds: dict[str, list[Json]] = {}

    async def start(self) -> None:
        await self.fake.__aenter__()

    async def stop(self) -> None:
        await self.fake.__aexit__(None, None, None)

    def env(self) -> dict[str, str]:
        return {
            "SHOPIFY_CLIENT_ID": CLIENT_ID,
            "SHOPIFY_CLIENT_SECRET": CLIENT_SECRET,
            "SHOPIFY_BASE_URL": self.fake.base_url,
        }

    def item_key(self, item: Item) -> str:
        return str(variant_of(item.name))

    def modifier_key(self, modifier: Modifier) -> str:
        return name_key(modifier.name)

    async def connect(self, bar: Bar) -> None:
        """`connect shopify`'s link, the shop named, Shopify's consent (the fake approves at
        once, signing its redirect), the callback."""
        link = connect_link(PUBLIC_URL, "shopify", bar.venue, KEY, datetime.now(UTC))
        path = f"{link.removeprefix(PUBLIC_URL)}&shop={SHOP}"
        response = await bar.client.get(path, allow_redirects=False)
        assert response.status == 302, await response.text()
        async with (
            aiohttp.ClientSession() as session,
            session.get(response.headers["Location"], allow_redirects=False) as consent,
        ):
            callback = consent.headers["Location"].removeprefix(PUBLIC_URL)
        connected = await bar.client.get(callback)
        assert connected.status == 200, await connected.text()

    def sale(self, order: Order) -> list[Delivery]:
        body = self._serve(order)
        return [self._deliver("orders/paid", body), self._deliver("orders/updated", body)]

    def refund(self, refund: Refund) -> list[Delivery]:
        body = make_refund(
            _refund_id(refund.key),
            _order_id(refund.order.key),
            [(_line_id(r.line.key), r.quantity, _money(r.amount)) for r in refund.lines],
            processed_at=refund.at.isoformat(),
        )
        for item, returned in zip(body["refund_line_items"], refund.lines, strict=True):
            tax = returned.line.tax * returned.quantity // returned.line.quantity
            item["total_tax"] = tax / 100
            item["total_tax_set"] = money_set(_money(tax))
        self._refunds.setdefault(refund.order.key, []).append(body)
        order = self._serve(refund.order, updated_at=refund.at)
        return [self._deliver("refunds/create", body), self._deliver("orders/updated", order)]

    def versions(self, order: Order) -> list[Delivery]:
        paid = self._serve(order)
        # Rung up and left open (a tab): Shopify has the order, not yet paid.
        opened = {**paid, "financial_status": "pending", "updated_at": order.opened().isoformat()}
        return [self._deliver("orders/updated", opened), self._deliver("orders/paid", paid)]

    def foreign(self, order: Order) -> Delivery:
        return self._deliver("orders/paid", self._order(order), shop=FOREIGN_SHOP)

    def forge(self, delivery: Delivery) -> Delivery:
        headers = {**delivery.headers, HEADER: sign("not-the-secret", delivery.body)}
        return Delivery(delivery.path, delivery.body, headers)

    def stale(self, order: Order) -> Delivery:
        raise NotImplementedError("Shopify's signature covers the body only")

    def hold(self, order: Order) -> None:
        # Updated a minute ago: the orders API finds orders by update time.
        self._serve(order, updated_at=datetime.now(UTC) - timedelta(minutes=1))

    def outage(self, calls: int) -> None:
        self.fake.recover()
        self.fake.outage(calls)

    def rate_limit(self, calls: int, retry_after: int) -> None:
        self.fake.rate_limit(calls, retry_after)

    async def reconcile(self, bar: Bar) -> None:
        def now() -> datetime:
            return datetime.now(UTC)

        # Not once per slot: the worker claims one run per 5 minutes; a case runs several.
        await bar.app[shopify_key].reconciler(bar.db, now, once_per_slot=False).run()

    # -- Shopify's shapes ------------------------------------------------------------------

    def _deliver(self, topic: str, body: Json, *, shop: str = SHOP) -> Delivery:
        signed = deliver(topic, body, secret=CLIENT_SECRET, shop=shop)
        return Delivery("/webhooks/shopify", signed.body, signed.headers)

    def _serve(self, order: Order, *, updated_at: datetime | None = None) -> Json:
        """The order as Shopify holds it now (with its refunds); the fake serves it."""
        body = self._order(order, updated_at=updated_at)
        self.fake.add_order(body)
        return body

    def _order(self, order: Order, *, updated_at: datetime | None = None) -> Json:
        refunds = self._refunds.get(order.key, [])
        last = max([order.closed_at, *(datetime.fromisoformat(r["processed_at"]) for r in refunds)])
        applications: list[Json] = []
        if any(line.comp for line in order.sold):
            applications.append(_COMP)
        if order.discount_name is not None:
            applications.append(_check_discount(order.discount_name))
        body = make_order(
            _order_id(order.key),
            [_line(line, applications) for line in order.sold],
            processed_at=order.closed_at.isoformat(),
            updated_at=(updated_at or last).isoformat(),
            financial_status="partially_refunded" if refunds else "paid",
            refunds=refunds,
        )
        body["created_at"] = order.opened().isoformat()
        body["discount_applications"] = applications
        gross = sum(line.gross for line in order.sold)
        discounts = sum(line.discount for line in order.sold)
        totals = {
            "total_line_items_price": gross,
            "total_discounts": discounts,
            "subtotal_price": order.net,
            "total_tax": order.tax,
            "total_price": order.net + order.tax,
        }
        for field, minor in totals.items():
            body[field] = _money(minor)
            body[f"{field}_set"] = money_set(_money(minor))
        return body


def _line(line: Line, applications: list[Json]) -> Json:
    """A line item; its discounts point at the order's `discount_applications` by index."""
    body = make_line(
        _line_id(line.key),
        line.item.name,
        _money(line.unit_price),
        quantity=line.quantity,
        variant_id=variant_of(line.item.name),
        modifiers=tuple(modifier.name for modifier in line.modifiers),
        tax=_money(line.tax),
    )
    if line.comp:
        body["discount_allocations"] = [allocation(_money(line.gross), applications.index(_COMP))]
    elif line.order_discount:
        index = len(applications) - 1  # the check discount comes last
        body["discount_allocations"] = [allocation(_money(line.order_discount), index)]
    return body


_COMP = {
    "target_type": "line_item",
    "type": "manual",
    "value": "100.0",
    "value_type": "percentage",
    "allocation_method": "each",
    "target_selection": "explicit",
    "title": "Comp",
    "description": "Comp",
}


def _check_discount(title: str) -> Json:
    return {
        "target_type": "line_item",
        "type": "manual",
        "value": "10.0",
        "value_type": "percentage",
        "allocation_method": "across",
        "target_selection": "all",
        "title": title,
        "description": title,
    }


def _money(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def _order_id(key: str) -> int:
    return 5_823_418_990_000 + int.from_bytes(key.encode(), "big")


def _line_id(key: str) -> int:
    return 14_327_745_000_000 + int.from_bytes(key.encode(), "big")


def _refund_id(key: str) -> int:
    return 935_423_000_000 + int.from_bytes(key.encode(), "big")
