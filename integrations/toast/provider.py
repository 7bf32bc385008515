"""`ToastProvider`: what `POST /webhooks/toast` needs, the signature check and the envelope.

Toast waits 2 seconds for an answer and retries (or, after many errors, pauses the subscription)
without one, so the route does nothing slow: verify, read the envelope, store, answer. The order
is in the message itself, so there is nothing to fetch before booking either.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from integrations.provider import Delivery, RawEvent
from integrations.toast.client import RESTAURANT_HEADER
from integrations.toast.envelope import parse
from integrations.toast.normalize import PROVIDER
from integrations.toast.verify import HEADER, verify

KEPT_HEADERS = (
    "Toast-Attempt-Number",
    "Toast-Event-Type",
    "Toast-Event-Category",
    RESTAURANT_HEADER,
)


class ToastProvider:
    def __init__(self, *, webhook_secret: str, now: Callable[[], datetime]) -> None:
        self._secret = webhook_secret
        self._now = now

    @property
    def name(self) -> str:
        return PROVIDER

    def verify(self, delivery: Delivery) -> None:
        verify(self._secret, delivery.body, delivery.header(HEADER), self._now())

    def envelope(self, delivery: Delivery) -> RawEvent:
        envelope = parse(delivery.body, restaurant_header=delivery.header(RESTAURANT_HEADER))
        kept = {name: delivery.header(name) for name in KEPT_HEADERS}
        return RawEvent(
            provider=PROVIDER,
            dedupe_key=envelope.guid,
            kind=envelope.type,
            account=envelope.restaurant_guid,
            location=None,
            body=delivery.body,
            headers={name: value for name, value in kept.items() if value is not None},
        )
