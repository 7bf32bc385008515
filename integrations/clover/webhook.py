"""`POST /webhooks/clover`: Clover's app webhooks (webhooks.md, "The promises every webhook
endpoint keeps"), with the shared doors of `integrations.web` (sink, clock, counters, body limit).

- Not configured (no `CLOVER_APP_ID`): 404. Body over the limit: 413.
- The URL verification handshake (`{"verificationCode": ...}`, sent before any auth code exists):
  200, the code logged for the operator to paste into Clover's dashboard, nothing stored.
- `X-Clover-Auth` not the configured code (or none configured yet): 401, nothing stored.
- A body that is not Clover's shape, or is out of bounds: 400, nothing stored.
- Otherwise each order or payment update is stored as its own event, with the venue its merchant
  is bound to (or none: the worker skips it with the reason, replayable once the merchant
  connects), and the 200 follows their commit. A store failing is a 503: Clover may not retry,
  but reconciliation finds what the webhook carried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiohttp import web

from engine.errors import InvalidInput
from integrations.clover.provider import CloverProvider
from integrations.clover.verify import handshake_code
from integrations.errors import SignatureInvalid
from integrations.provider import Delivery, RawEvent
from integrations.web import (
    WebhookDoors,
    read_body,
    refuse,
    to_inbox,
    too_big,
    unavailable,
    webhook_doors_key,
)

logger = logging.getLogger(__name__)

PATH = "/webhooks/clover"
PROVIDER = "clover"


@dataclass(frozen=True, slots=True)
class CloverDoor:
    provider: CloverProvider
    merchant_venue: Callable[[str], Awaitable[int | None]]
    """The venue a Clover merchant is bound to (None: not connected)."""


clover_door_key = web.AppKey("clover_webhook_door", CloverDoor)


def clover_webhook_routes() -> list[web.RouteDef]:
    return [web.post(PATH, clover_webhook)]


async def clover_webhook(request: web.Request) -> web.StreamResponse:
    doors = request.app.get(webhook_doors_key)
    if doors is None:
        raise web.HTTPServiceUnavailable(reason="webhooks are not ready")
    door = request.app.get(clover_door_key)
    if door is None:
        return refuse(doors, PROVIDER, 404, "not_configured", "Clover is not configured")
    oversized = too_big(request, doors, PROVIDER)
    if oversized is not None:
        return oversized
    body = await read_body(request, doors, PROVIDER)
    if isinstance(body, web.Response):
        return body
    try:
        code = handshake_code(body)
    except InvalidInput as bad:
        return refuse(doors, PROVIDER, 400, "bad_payload", str(bad))
    if code is not None:
        # Not a secret: Clover sends it to prove the URL is ours, and it is typed into its
        # dashboard by hand. It is the one way the operator can read it.
        logger.warning(
            "Clover webhook verification code: %s (paste it in Clover's dashboard)", code
        )
        return web.json_response({"status": "verification code received"})
    delivery = Delivery(body, dict(request.headers))
    try:
        door.provider.verify(delivery)
        found = door.provider.events(delivery)
    except SignatureInvalid as refused:
        return refuse(doors, PROVIDER, 401, refused.code, refused.reason)
    except InvalidInput as bad:
        return refuse(doors, PROVIDER, 400, "bad_payload", str(bad))
    return await _store_all(doors, door, found.events, found.ignored)


async def _store_all(
    doors: WebhookDoors, door: CloverDoor, events: Sequence[RawEvent], ignored: int
) -> web.Response:
    venues: dict[str, int | None] = {}
    try:
        for event in events:
            merchant = event.account or ""
            if merchant not in venues:
                venues[merchant] = await door.merchant_venue(merchant)
    except Exception as error:
        return unavailable(doors, PROVIDER, error)
    now = doors.now()
    try:
        raws = [to_inbox(event, venues[event.account or ""], now) for event in events]
    except InvalidInput as bad:  # a key longer than the inbox's column
        return refuse(doors, PROVIDER, 400, "bad_payload", str(bad))
    try:
        results = await asyncio.gather(*(doors.sink.submit(raw) for raw in raws))
    except Exception as error:
        return unavailable(doors, PROVIDER, error)
    for merchant, venue in venues.items():
        if venue is None:
            logger.warning(
                "webhook from a merchant bound to no venue: stored, will be skipped",
                extra={"provider": PROVIDER, "merchant": merchant},
            )
    duplicates = sum(result.duplicate for result in results)
    for _ in results:
        doors.counters.received(PROVIDER)
    stored = len(results) - duplicates
    logger.info(
        "webhook accepted: %d stored, %d duplicates, %d ignored",
        stored,
        duplicates,
        ignored,
        extra={"provider": PROVIDER},
    )
    # A resent delivery is a duplicate, as the other routes answer it.
    status = "duplicate" if duplicates and not stored else "accepted"
    return web.json_response(
        {"status": status, "stored": stored, "duplicates": duplicates, "ignored": ignored}
    )
