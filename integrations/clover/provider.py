"""`CloverProvider`: Clover's webhooks through barback's provider steps (webhooks.md, "Clover").

1. `verify(delivery)`: `X-Clover-Auth` is the configured auth code (`verify.py`).
2. `events(delivery)`: one delivery is many updates of many merchants, so it becomes one stored
   event per order or payment update (`envelope.split`); a delivery for another app (`appId`) is
   refused like a bad auth code.
3. `fetch(notice)`, in the worker: the order the notice points at (a payment's order, for `P:`),
   fetched with the merchant's token and normalised. An order Clover no longer has (deleted, or
   not visible yet) is skipped with the reason; reconciliation finds it if it is ever paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from integrations.clover.client import CloverClient
from integrations.clover.envelope import FetchPayment, Notice, decide, parse_notice, split
from integrations.clover.normalize import PROVIDER, Normalized, normalize_order
from integrations.clover.verify import HEADER, verify
from integrations.errors import SignatureInvalid, UpstreamRejected
from integrations.provider import Booked, Delivery, RawEvent, Skip, TokenSource

KEPT_HEADERS = ("content-type", "user-agent")  # never X-Clover-Auth


@dataclass(frozen=True, slots=True)
class Events:
    events: tuple[RawEvent, ...]
    ignored: int
    """Updates of the delivery not stored (other objects, deletions, superseded updates)."""


class CloverProvider:
    def __init__(
        self,
        *,
        app_id: str,
        auth_code: str | None,
        client: CloverClient,
        tokens: TokenSource,
    ) -> None:
        self._app_id = app_id
        self._auth_code = auth_code
        self._client = client
        self._tokens = tokens

    @property
    def name(self) -> str:
        return PROVIDER

    def verify(self, delivery: Delivery) -> None:
        verify(self._auth_code, delivery.header(HEADER))

    def events(self, delivery: Delivery) -> Events:
        """The stored events a verified delivery carries; raises `BadPayload`, and
        `SignatureInvalid` for another app's delivery."""
        found = split(delivery.body)
        if found.app_id is not None and found.app_id != self._app_id:
            raise SignatureInvalid("the delivery is for another Clover app (appId)")
        kept = {name: delivery.header(name) for name in KEPT_HEADERS}
        headers = {name: value for name, value in kept.items() if value is not None}
        events = tuple(
            RawEvent(
                provider=PROVIDER,
                dedupe_key=notice.dedupe_key,
                kind=f"{notice.kind}:{notice.type}",
                account=notice.merchant_id,
                location=None,
                body=notice.body,
                headers=headers,
            )
            for notice in found.notices
        )
        return Events(events, found.ignored)

    async def receipts(self, event: RawEvent) -> Sequence[Booked] | Skip:
        result = await self.fetch(parse_notice(event.body))
        return result if isinstance(result, Skip) else result.booked

    async def fetch(self, notice: Notice) -> Normalized | Skip:
        """The order a notice points at, normalised (with what was left out, for the log)."""
        decision = decide(notice)
        if isinstance(decision, Skip):
            return decision
        merchant = decision.merchant_id
        token = await self._tokens.access_token(PROVIDER, merchant)
        try:
            if isinstance(decision, FetchPayment):
                order_id = await self._client.order_of_payment(token, merchant, decision.payment_id)
                if order_id is None:
                    return Skip(f"Clover payment {decision.payment_id} pays no order")
            else:
                order_id = decision.order_id
            order = await self._client.get_order(token, merchant, order_id)
        except UpstreamRejected as refused:
            if refused.status != 404:
                raise
            return Skip(f"Clover has no {notice.object_id} for merchant {merchant} (deleted?)")
        return normalize_order(order)
