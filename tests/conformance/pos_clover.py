"""Clover: orders held by `FakeClover`, app webhooks carrying ids only (`O:`/`P:` updates with the
static `X-Clover-Auth` code), the v2 OAuth consent to connect, reconciliation by `modifiedTime`.

Clover's order is what its register keeps: one line item per unit (2 x Tito's Shot is two line
items, rung together), each with its `price`, its `modifications` (with their `amount`) and its
line `discounts` (a comp is a 100% line discount); an order-level percentage discount in the
order's `discounts`; sales tax on each line's `taxRates` and in the order `total`, never in a
price; a payment of the total taken when the order closed. A voided line item is simply not on
the order. A refund is the same order, now PARTIALLY_REFUNDED, with a `refunds` element naming
the line items it takes back. Clover serves the order's current state, so a webhook that arrives
late (a sale's after its refund) fetches the refunded order: the adapter never serves an order
older than what the POS has done to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from app.webhooks import clover_key
from engine.connect_links import connect_link
from tests.conformance.adapter import Delivery, Feature
from tests.conformance.bar import KEY, PUBLIC_URL, Bar
from tests.conformance.night import TAX_RATE_PPM, Item, Line, Modifier, Order, Refund
from tests.integrations.fakes.clover import APP_SECRET, FakeClover
from tests.integrations.fakes.clover_orders import (
    APP_ID,
    AUTH_CODE,
    HEADER,
    MERCHANT_ID,
    delivery,
    elements,
    make_discount,
    make_line,
    make_modification,
    make_order,
    make_payment,
    make_refund,
    update,
)

Json = dict[str, Any]
TAX_RATE = {"id": "SALESTAX8875", "name": "Sales tax", "rate": TAX_RATE_PPM * 10}  # 887,500
STRANGER = "STRANGERMRCH1"


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


class Adapter:
    name = "clover"
    features: frozenset[Feature] = frozenset({"fetch", "reconcile"})
    unknown_account = 200

    def __init__(self) -> None:
        self.fake = FakeClover()
        self._refunded: set[str] = set()
        """Orders the POS has refunded: their later webhooks fetch the refunded order."""

    async def start(self) -> None:
        await self.fake.__aenter__()

    async def stop(self) -> None:
        await self.fake.__aexit__(None, None, None)

    def env(self) -> dict[str, str]:
        return {
            "CLOVER_APP_ID": APP_ID,
            "CLOVER_APP_SECRET": APP_SECRET,
            "CLOVER_WEBHOOK_AUTH_CODE": AUTH_CODE,
            "CLOVER_BASE_URL": self.fake.base_url,
        }

    def item_key(self, item: Item) -> str:
        return "I" + item.key.upper().replace("-", "")

    def modifier_key(self, modifier: Modifier) -> str:
        return "M" + modifier.key.upper().replace("-", "")

    async def connect(self, bar: Bar) -> None:
        """`connect clover`'s link, Clover's authorize page (the fake approves), the callback."""
        link = connect_link(PUBLIC_URL, "clover", bar.venue, KEY, datetime.now(UTC))
        response = await bar.client.get(link.removeprefix(PUBLIC_URL), allow_redirects=False)
        assert response.status == 302, await response.text()
        async with (
            aiohttp.ClientSession() as browser,
            browser.get(response.headers["Location"], allow_redirects=False) as approved,
        ):
            assert approved.status == 302, await approved.text()
            back = urlsplit(approved.headers["Location"])
        callback = await bar.client.get(f"{back.path}?{back.query}")
        assert callback.status == 200, await callback.text()

    def sale(self, order: Order) -> list[Delivery]:
        self._serve(order, self._paid(order))
        paid = _ms(order.closed_at)
        return [
            self._deliver({MERCHANT_ID: [update(f"O:{_id(order)}", paid + 400)]}),
            self._deliver({MERCHANT_ID: [update(f"P:{_payment_id(order)}", paid, "CREATE")]}),
        ]

    def refund(self, refund: Refund) -> list[Delivery]:
        order = refund.order
        body = self._paid(order)
        refund_id = f"R{refund.key}"
        taken = [f"{line.line.key}N{n}" for line in refund.lines for n in range(line.quantity)]
        for item in body["lineItems"]["elements"]:
            if item["id"] in taken:
                item.update(refunded=True, refund={"id": refund_id})
        tax = sum(line.line.tax * line.quantity // line.line.quantity for line in refund.lines)
        at = _ms(refund.at)
        body["refunds"] = elements(
            [make_refund(refund_id, _id(order), refund.amount + tax, created=at, line_ids=taken)]
        )
        body.update(paymentState="PARTIALLY_REFUNDED", modifiedTime=at)
        self.fake.add_order(body)
        self._refunded.add(order.key)
        return [self._deliver({MERCHANT_ID: [update(f"O:{_id(order)}", at)]})]

    def versions(self, order: Order) -> list[Delivery]:
        self._serve(order, self._paid(order))
        opened, paid = _ms(order.opened()), _ms(order.closed_at)
        return [
            self._deliver({MERCHANT_ID: [update(f"O:{_id(order)}", opened, "CREATE")]}),
            self._deliver({MERCHANT_ID: [update(f"O:{_id(order)}", paid + 400)]}),
        ]

    def foreign(self, order: Order) -> Delivery:
        self.fake.add_order(self._paid(order), STRANGER)
        return self._deliver({STRANGER: [update(f"O:{_id(order)}", _ms(order.closed_at))]})

    def forge(self, delivery: Delivery) -> Delivery:
        return Delivery(delivery.path, delivery.body, {**delivery.headers, HEADER: "not-the-code"})

    def stale(self, order: Order) -> Delivery:
        raise NotImplementedError("Clover's auth code is static: it covers no time")

    def hold(self, order: Order) -> None:
        # Modified just now: reconciliation finds orders by modifiedTime.
        body = self._paid(order)
        body["modifiedTime"] = _ms(datetime.now(UTC) - timedelta(seconds=1))
        self._serve(order, body)

    def outage(self, calls: int) -> None:
        self.fake.recover()
        self.fake.outage(calls)

    def rate_limit(self, calls: int, retry_after: int) -> None:
        self.fake.rate_limit(calls, retry_after)

    async def reconcile(self, bar: Bar) -> None:
        # Not once per slot: the worker claims one run per 5-minute slot; a case runs several.
        await (
            bar.app[clover_key]
            .reconciler(bar.db, lambda: datetime.now(UTC), once_per_slot=False)
            .run()
        )

    # -- Clover's shapes -----------------------------------------------------------------------

    def _serve(self, order: Order, body: Json) -> None:
        if order.key not in self._refunded:
            self.fake.add_order(body)

    def _deliver(self, merchants: dict[str, list[Json]]) -> Delivery:
        posted = delivery(merchants)
        return Delivery("/webhooks/clover", posted.body, posted.headers)

    def _paid(self, order: Order) -> Json:
        rung = _ms(order.opened())
        items = [self._item(line, n, rung) for line in order.sold for n in range(line.quantity)]
        discounts = []
        if order.discount_name is not None:
            discounts = [make_discount("ORDERDISC1", order.discount_name, percentage=10)]
        paid = _ms(order.closed_at)
        payment = make_payment(_payment_id(order), _id(order), order.net + order.tax, created=paid)
        payment["taxAmount"] = order.tax
        return make_order(
            _id(order),
            lines=items,
            discounts=discounts,
            paid_at=paid,
            payments=[payment],
            tax_rate_ppm=TAX_RATE_PPM,
        )

    def _item(self, line: Line, n: int, rung: int) -> Json:
        mods = [
            make_modification(
                f"{line.key}N{n}{m.key.upper()[:3]}", m.name, m.price, self.modifier_key(m)
            )
            for m in line.modifiers
        ]
        comp = [make_discount(f"{line.key}N{n}COMP", "Comp", percentage=100)] if line.comp else []
        body = make_line(
            f"{line.key}N{n}",
            line.item.name,
            line.item.price,
            item_id=self.item_key(line.item),
            modifications=mods,
            discounts=comp,
            tax_rates=[{**TAX_RATE, "lineItemRef": {"id": f"{line.key}N{n}"}}],
        )
        body["createdTime"] = rung
        return body


def _id(order: Order) -> str:
    return f"CLORDER{order.key}"


def _payment_id(order: Order) -> str:
    return f"CLPAY{order.key}"
