"""`ShopifyProvider`: the `integrations.provider.Provider` for Shopify (webhooks.md, "Shopify").

A delivery is verified against the app's client secret (`X-Shopify-Hmac-Sha256` over the raw
body) and refused when stale; its headers give the dedupe key (`X-Shopify-Webhook-Id`), the topic
and the shop. In the worker:
- `orders/*` topics carry the whole order: it is normalised as delivered, no API call. Its
  `financial_status` decides whether it books (`orders/paid`, and `orders/updated` once paid,
  book the same lines; the line keys make the second a no-op) and its `refunds[]` book too.
- `refunds/create` carries the refund only: the order is fetched (`GET orders/<id>.json`) for its
  location (a refund of an online order is not the bar's), its currency and tax mode, and its
  sale, which books first if its own webhook was lost; the delivered refund books even when the
  fetched order does not list it yet.
- other topics book nothing (`Skip`).

`for_connection` keeps to the connection's locations: an order rung up elsewhere, or online (no
location), is a `Skip` naming why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from engine.connections import PosConnection
from integrations.provider import Booked, Delivery, RawEvent, Skip, TokenSource
from integrations.shopify import fields as f
from integrations.shopify.client import ShopifyClient
from integrations.shopify.envelope import KEPT_HEADERS, Envelope, check_fresh, parse
from integrations.shopify.modifiers import modifier_names
from integrations.shopify.normalize import Normalized, normalize_order
from integrations.shopify.refunds import PROVIDER
from integrations.shopify.verify import HEADER, verify


class ShopifyProvider:
    def __init__(
        self,
        *,
        client_secret: str,
        client: ShopifyClient,
        tokens: TokenSource,
        now: Callable[[], datetime],
        modifier_properties: frozenset[str] | None = None,
    ) -> None:
        self._client_secret = client_secret
        self._client = client
        self._tokens = tokens
        self._now = now
        self._modifiers = modifier_properties or modifier_names()

    @property
    def name(self) -> str:
        return PROVIDER

    def verify(self, delivery: Delivery) -> None:
        verify(self._client_secret, delivery.body, delivery.header(HEADER))
        check_fresh(delivery.header, self._now())

    def envelope(self, delivery: Delivery) -> RawEvent:
        envelope = parse(delivery.header, delivery.body)
        kept = {name: delivery.header(name) for name in KEPT_HEADERS}
        return RawEvent(
            provider=PROVIDER,
            dedupe_key=envelope.webhook_id,
            kind=envelope.topic,
            account=envelope.shop,
            location=envelope.location_id,
            body=delivery.body,
            headers={name: value for name, value in kept.items() if value is not None},
        )

    async def receipts(self, event: RawEvent) -> Sequence[Booked] | Skip:
        delivery = Delivery(event.body, event.headers)
        result = await self.fetch(parse(delivery.header, event.body), event.body)
        return result if isinstance(result, Skip) else result.booked

    async def fetch(self, envelope: Envelope, body: bytes) -> Normalized | Skip:
        """What a stored delivery books, fetching the order for a refund."""
        if envelope.is_order:
            return self.normalize(f.decode(body, "order"))
        if envelope.is_refund and envelope.order_id is not None:
            token = await self._tokens.access_token(PROVIDER, envelope.shop)
            order = await self._client.order(envelope.shop, token, envelope.order_id)
            return self.normalize(order, extra_refunds=(f.decode(body, "refund"),))
        return Skip(f"{envelope.topic} events do not change inventory")

    def normalize(
        self, order: f.JsonObject, *, extra_refunds: Sequence[f.JsonObject] = ()
    ) -> Normalized | Skip:
        return normalize_order(
            order, modifier_properties=self._modifiers, extra_refunds=extra_refunds
        )


def for_connection(result: Normalized, connection: PosConnection) -> tuple[Booked, ...] | Skip:
    """The order's bookings when it was rung up at one of the connection's locations."""
    if result.location_id is None:
        source = f" ({result.source_name})" if result.source_name else ""
        return Skip(f"order {result.order_id} has no POS location: an online order{source}")
    if result.location_id not in connection.location_ids:
        return Skip(
            f"order {result.order_id} was rung up at location {result.location_id}, which is not "
            f"bound to this venue (connect shopify again to bind new locations)"
        )
    return result.booked
