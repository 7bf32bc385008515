"""Toast: orders held by `FakeToast`, `order_updated` messages signed over body + timestamp, the
restaurant bound with `connect toast <restaurant guid>` once it has given barback access.

Toast's order carries what its register computed: per selection `price` (net of item and
check-level discounts, with the modifiers' prices, before tax, in major units as a double), the
modifiers as nested selections, a comp as a 100% applied discount, a voided line kept with
`voided: true`. Toast sends the whole order on every change: a check goes OPEN, then PAID, then
CLOSED when the tip is adjusted, and a refund is the same order again with `refundDetails`.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from app.config import Secret
from app.keys import settings_key
from app.pos_offers import pos_offers
from app.webhooks import toast_key
from bot.commands.session import Actor, SessionContext, run
from tests.conformance.adapter import Delivery, Feature
from tests.conformance.bar import KEY, Bar
from tests.conformance.night import Item, Line, Modifier, Order, Refund, RefundLine
from tests.engine.usecases_world import FakeClock
from tests.integrations.fakes.toast import RESTAURANT, FakeToast
from tests.integrations.fakes.toast_orders import (
    applied_discount,
    deliver,
    make_check,
    make_order,
    make_payment,
    make_selection,
    order_message,
    refund_details,
)

Json = dict[str, Any]
WEBHOOK_SECRET = "toast-conformance-webhook-secret"
STRANGER = "9f1e2d3c-4b5a-4697-8a8b-9c0d1e2f3a4b"


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "toast:" + ":".join(parts)))


class Adapter:
    name = "toast"
    features: frozenset[Feature] = frozenset({"reconcile", "signed_time"})
    unknown_account = 200

    def __init__(self) -> None:
        self.fake = FakeToast()

    async def start(self) -> None:
        await self.fake.__aenter__()

    async def stop(self) -> None:
        await self.fake.__aexit__(None, None, None)

    def env(self) -> dict[str, str]:
        return {
            "TOAST_CLIENT_ID": self.fake.client_id,
            "TOAST_CLIENT_SECRET": self.fake.client_secret,
            "TOAST_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "TOAST_BASE_URL": self.fake.base_url,
        }

    def item_key(self, item: Item) -> str:
        return _guid("item", item.key)

    def modifier_key(self, modifier: Modifier) -> str:
        return _guid("modifier", modifier.key)

    async def connect(self, bar: Bar) -> None:
        """The restaurant adds barback in Toast Web; a manager runs `connect toast <guid>`."""
        self.fake.grant(RESTAURANT)
        settings = bar.app[settings_key]
        async with bar.db.unit_of_work() as uow:
            venue = await uow.venues.get(bar.venue)
        ctx = SessionContext(
            venue=venue,
            actor=Actor.terminal("sam"),
            uow=bar.db.unit_of_work,
            clock=FakeClock(datetime.now(UTC)),
            pos_offers=pos_offers(settings, bar.db, Secret(KEY)),
        )
        reply = await run(f"connect toast {RESTAURANT}", ctx)
        assert reply.ok, reply.summary

    def sale(self, order: Order) -> list[Delivery]:
        self.fake.put_order(RESTAURANT, self._snapshot(order, "CLOSED"))
        return [self._deliver(self._snapshot(order, "PAID")), self._closed(order)]

    def refund(self, refund: Refund) -> list[Delivery]:
        snapshot = self._snapshot(refund.order, "CLOSED", refund=refund)
        self.fake.put_order(RESTAURANT, snapshot)
        return [self._deliver(snapshot)]

    def versions(self, order: Order) -> list[Delivery]:
        self.fake.put_order(RESTAURANT, self._snapshot(order, "CLOSED"))
        return [
            self._deliver(self._snapshot(order, "OPEN")),
            self._deliver(self._snapshot(order, "PAID")),
            self._closed(order),
        ]

    def foreign(self, order: Order) -> Delivery:
        return self._deliver(self._snapshot(order, "CLOSED"), restaurant=STRANGER)

    def forge(self, delivery: Delivery) -> Delivery:
        message = json.loads(delivery.body)
        forged = deliver(message, "not-the-webhook-secret")
        return Delivery(delivery.path, forged.body, forged.headers)

    def stale(self, order: Order) -> Delivery:
        sent = datetime.now(UTC) - timedelta(hours=2)
        return self._deliver(self._snapshot(order, "CLOSED"), at=sent)

    def hold(self, order: Order) -> None:
        # Modified now: ordersBulk finds orders by modification time.
        snapshot = self._snapshot(order, "CLOSED", modified=datetime.now(UTC))
        self.fake.put_order(RESTAURANT, snapshot)

    def outage(self, calls: int) -> None:
        self.fake.recover()
        self.fake.outage(calls)

    def rate_limit(self, calls: int, retry_after: int) -> None:
        self.fake.rate_limit(calls, retry_after)

    async def reconcile(self, bar: Bar) -> None:
        def now() -> datetime:
            return datetime.now(UTC)

        # Not once per slot: the worker claims one run per 5 minutes; a case runs several.
        await bar.app[toast_key].reconciler(bar.db, now, once_per_slot=False).run()

    # -- Toast's shapes ------------------------------------------------------------------------

    def _closed(self, order: Order) -> Delivery:
        return self._deliver(self._snapshot(order, "CLOSED"))

    def _deliver(
        self, order: Json, *, restaurant: str = RESTAURANT, at: datetime | None = None
    ) -> Delivery:
        message = order_message(order, restaurant, at=at or datetime.now(UTC))
        signed = deliver(message, WEBHOOK_SECRET)
        return Delivery("/webhooks/toast", signed.body, signed.headers)

    def _snapshot(
        self,
        order: Order,
        status: str,
        *,
        refund: Refund | None = None,
        modified: datetime | None = None,
    ) -> Json:
        """The order as Toast holds it when its check is OPEN, PAID or CLOSED."""
        opened, paid = order.opened(), order.closed_at
        is_open = status == "OPEN"
        if modified is None:
            steps = {"OPEN": opened + timedelta(minutes=10), "PAID": paid}
            modified = refund.at if refund else steps.get(status, paid + timedelta(seconds=3))
        check_guid, order_guid = _guid("check", order.key), _guid("order", order.key)
        refunded = {r.line.key: r for r in refund.lines} if refund else {}
        transaction = _guid("refund", refund.key) if refund else ""
        selections = [
            self._selection(line, paid, is_open, refunded.get(line.key), transaction)
            for line in order.lines
        ]
        payments = []
        if not is_open:
            back = None if refund is None else (refund.amount, refund.at, transaction)
            payment = _guid("payment", order.key)
            payments = [
                make_payment(payment, check_guid, order_guid, order.net + order.tax, paid,
                             refund=back)
            ]  # fmt: skip
        discounts = []
        if order.discount_name is not None:
            discounts = [applied_discount(order.discount_name, order.discount, percent=10.0)]
        check = make_check(
            check_guid,
            selections,
            status=status,
            opened=opened,
            paid=None if is_open else paid,
            modified=modified,
            amount=order.net,
            tax=order.tax,
            payments=payments,
            discounts=discounts,
        )
        return make_order(
            order_guid, [check], opened=opened, modified=modified, paid=None if is_open else paid
        )

    def _selection(
        self, line: Line, paid: datetime, is_open: bool, refunded: RefundLine | None, txn: str
    ) -> Json:
        modifiers = [
            make_selection(
                _guid("selection", line.key, m.key),
                self.modifier_key(m),
                m.name,
                price=m.price * line.quantity,
                modifier=True,
            )
            for m in line.modifiers
        ]
        discounts = []
        if line.comp:
            discounts = [applied_discount("Comp", line.gross, percent=100.0)]
        voided = line.voided and not is_open
        details = None
        if refunded is not None:
            tax = line.tax * refunded.quantity // line.quantity
            details = refund_details(refunded.amount, tax, txn)
        return make_selection(
            _guid("selection", line.key),
            self.item_key(line.item),
            line.item.name,
            price=line.gross if line.voided else line.net,
            gross=line.gross,
            unit_price=line.item.price,
            quantity=float(line.quantity),
            tax=line.tax,
            modifiers=modifiers,
            discounts=discounts,
            voided=voided,
            # Voided before payment: on the check, never sold.
            void_date=paid - timedelta(minutes=5) if voided else None,
            refund=details,
        )
