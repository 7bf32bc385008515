"""`SquareProvider`: the `integrations.provider.Provider` for Square (webhooks.md, "Square").

A delivery is verified against the configured signature key and notification URL; its envelope
gives the dedupe key (`event_id`), the merchant and location. In the worker, `receipts` decides
from the event alone whether an order must be fetched, fetches it with the merchant's token
(BatchRetrieveOrders, so the order's *current* state decides, whatever the webhook said), and
normalises it.

An order a completed payment points at but that Square does not return yet is
`UpstreamUnavailable` (retried with backoff) rather than a skip: Square's reads are eventually
consistent, and giving up would lose a sale.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from engine.errors import InvalidInput
from engine.menu import Menu, checked_menu
from integrations.errors import BadPayload, UpstreamUnavailable
from integrations.provider import Booked, Delivery, RawEvent, Skip, TokenSource
from integrations.square.catalog import menu_entries
from integrations.square.client import SquareClient
from integrations.square.envelope import Envelope, decide, parse
from integrations.square.fields import JsonObject
from integrations.square.normalize import PROVIDER, Normalized, normalize_order
from integrations.square.verify import HEADER, verify

logger = logging.getLogger(__name__)

# 100 objects a page: 20,000 items, variations and modifier lists, far beyond a bar's menu, and a
# bound on a cursor that would never end.
MAX_CATALOG_PAGES = 200
CATALOG_EVENT = "catalog.version.updated"

KEPT_HEADERS = (
    "square-environment",
    "square-initial-delivery-timestamp",
    "square-retry-number",
    "square-retry-reason",
    "square-version",
)


class SquareProvider:
    def __init__(
        self,
        *,
        signature_key: str,
        notification_url: str,
        client: SquareClient,
        tokens: TokenSource,
    ) -> None:
        self._signature_key = signature_key
        self._notification_url = notification_url
        self._client = client
        self._tokens = tokens

    @property
    def name(self) -> str:
        return PROVIDER

    def verify(self, delivery: Delivery) -> None:
        verify(self._signature_key, self._notification_url, delivery.body, delivery.header(HEADER))

    def envelope(self, delivery: Delivery) -> RawEvent:
        envelope = parse(delivery.body)
        kept = {name: delivery.header(name) for name in KEPT_HEADERS}
        return RawEvent(
            provider=PROVIDER,
            dedupe_key=envelope.event_id,
            kind=envelope.type,
            account=envelope.merchant_id,
            location=envelope.location_id,
            body=delivery.body,
            headers={name: value for name, value in kept.items() if value is not None},
        )

    async def receipts(self, event: RawEvent) -> Sequence[Booked] | Skip:
        result = await self.fetch(parse(event.body))
        return result if isinstance(result, Skip) else result.booked

    async def menu(self, merchant_id: str) -> Menu:
        """The merchant's whole catalog as a menu (every page of ListCatalog)."""
        token = await self._tokens.access_token(PROVIDER, merchant_id)
        objects: list[JsonObject] = []
        cursor: str | None = None
        for _ in range(MAX_CATALOG_PAGES):
            page = await self._client.list_catalog(token, cursor)
            objects += page.objects
            cursor = page.cursor
            if cursor is None:
                break
        else:
            raise BadPayload(f"Square's catalog ran past {MAX_CATALOG_PAGES} pages")
        entries, left_out = menu_entries(objects)
        if left_out:
            logger.info("Square catalog: %d objects left out", left_out)
        try:
            return checked_menu(PROVIDER, entries)
        except InvalidInput as refused:
            raise BadPayload(refused.message) from None

    async def fetch(self, envelope: Envelope) -> Normalized | Skip:
        """The order an event points at, normalised (with what was left out, for the log)."""
        decision = decide(envelope)
        if isinstance(decision, Skip):
            return decision
        token = await self._tokens.access_token(PROVIDER, envelope.merchant_id)
        # No location_id: the token's merchant scopes the read, and an event's location could
        # disagree with the order's without making the order any less ours.
        orders = await self._client.batch_retrieve_orders(token, None, [decision.order_id])
        for order in orders:
            if order.get("id") == decision.order_id:
                return normalize_order(order)
        raise UpstreamUnavailable(f"Square has no order {decision.order_id} yet")
