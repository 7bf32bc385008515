"""The webhook routes (webhooks.md, "The promises every webhook endpoint keeps").

`webhook_routes(doors)` builds the aiohttp routes from injected dependencies, never storage:
- `POST /webhooks/generic/{venue}`: unknown venue 404; body over the limit 413; `Barback-Signature`
  checked over the raw bytes (401, nothing stored); the body normalised at the door (our own format,
  pure and cheap: malformed JSON, wrong types and any value outside `engine.bounds`, the venue's
  currency or a close more than a day ahead included, are a 400 naming the field, nothing stored);
  then
  the event goes to the `EventSink` (dedupe key `<venue id>:<event_id>`, so two venues' senders
  may both number events `evt-1`) and the 200 follows its commit.
- `POST /webhooks/square`: `x-square-hmacsha256-signature` over `SQUARE_WEBHOOK_URL` + body (401);
  the envelope gives the dedupe key; stored with the bound venue, or none.
- `POST /webhooks/{provider}` (Toast, Shopify, and any POS whose events name their account): the
  same walk through the provider's `PosDoor` (`WebhookDoors.pos`); a provider not configured is a
  404.

Decision (unknown Square merchant, Toast restaurant or Shopify shop): the event is stored with no
venue and answered 200. Square retries non-2xx for 3 days and then disables the subscription;
Toast retries a 404 and pauses a subscription that keeps failing; Shopify deletes a subscription
after 8 failed deliveries; the worker marks it `skipped` with the reason, visible in `barback
events`, and replayable once the account is connected.

The sink failing (database down, writer overloaded) is a 503 so the POS retries. Every refusal is
counted (`WebhookCounters.rejected`) and logged with its reason, never a secret or the body; a 503
only at DEBUG, since the database's outage is logged once by whoever saw it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from aiohttp import web

from engine import bounds
from engine.errors import InvalidInput
from engine.inbox import EventSink, RawEvent, SubmitResult
from integrations.errors import SignatureInvalid
from integrations.generic import verify as generic_verify
from integrations.generic.normalize import PROVIDER as GENERIC
from integrations.generic.normalize import check_at_door, normalize
from integrations.provider import Delivery, Provider
from integrations.provider import RawEvent as ProviderEvent

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # webhooks.md promise 5: Toast orders reach about 600 KB
GENERIC_KEPT_HEADERS = ("content-type", "user-agent")


@dataclass(frozen=True, slots=True)
class VenueDoor:
    """What the generic route needs to know about a venue."""

    venue_id: int
    webhook_secret: str
    currency: str = ""
    """The venue's currency: a receipt in another is refused at the door (empty: not checked)."""


class WebhookDoor(Protocol):
    """What a POS's webhook route needs of it (`Provider`'s first two steps)."""

    @property
    def name(self) -> str: ...

    def verify(self, delivery: Delivery) -> None: ...

    def envelope(self, delivery: Delivery) -> ProviderEvent: ...


@dataclass(frozen=True, slots=True)
class PosDoor:
    door: WebhookDoor
    account_venue: Callable[[str], Awaitable[int | None]]
    """The venue a POS account (merchant, restaurant) is bound to; None: bound to none."""


class WebhookCounters(Protocol):
    def received(self, provider: str) -> None: ...

    def rejected(self, provider: str, reason: str) -> None: ...


@dataclass(frozen=True, slots=True)
class WebhookDoors:
    sink: EventSink
    venue_door: Callable[[str], Awaitable[VenueDoor | None]]
    """The venue by slug (None: no such venue); may raise when the database is down (503)."""
    now: Callable[[], datetime]
    counters: WebhookCounters
    square: Provider | None = None
    """The Square provider (verify + envelope); None: Square is not configured (404)."""
    merchant_venue: Callable[[str], Awaitable[int | None]] | None = None
    """The venue a Square merchant is bound to (None: unknown merchant)."""
    max_body_bytes: int = MAX_BODY_BYTES
    pos: Mapping[str, PosDoor] = field(default_factory=dict)
    """The other POS by provider name (`toast`): `POST /webhooks/<provider>`."""


webhook_doors_key = web.AppKey("webhook_doors", WebhookDoors)


def webhook_routes() -> list[web.RouteDef]:
    """The routes; each request reads its dependencies from `app[webhook_doors_key]`, which the
    composition root sets when the app starts (the database and the writer exist only then)."""
    return [
        web.post("/webhooks/generic/{venue}", generic),
        web.post("/webhooks/square", square),
        web.post("/webhooks/{provider}", pos_webhook),
    ]


def _doors(request: web.Request) -> WebhookDoors:
    doors = request.app.get(webhook_doors_key)
    if doors is None:
        raise web.HTTPServiceUnavailable(reason="webhooks are not ready")
    return doors


async def generic(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    slug = request.match_info["venue"]
    too_big = _too_big(request, doors, GENERIC)
    if too_big is not None:
        return too_big
    try:
        door = await doors.venue_door(slug)
    except Exception as error:
        return _unavailable(doors, GENERIC, error)
    if door is None:
        return _refuse(doors, GENERIC, 404, "unknown_venue", f"there is no venue {slug!r}")
    body = await _read(request, doors, GENERIC)
    if isinstance(body, web.Response):
        return body
    header = request.headers.get(generic_verify.HEADER)
    try:
        generic_verify.verify(door.webhook_secret, header, body, doors.now())
    except SignatureInvalid as refused:
        return _refuse(doors, GENERIC, 401, refused.code, refused.reason, venue=slug)
    try:
        parsed = normalize(bounds.loads(body))
        if door.currency:
            check_at_door(parsed, door.currency, doors.now())
    except InvalidInput as bad:
        return _refuse(doors, GENERIC, 400, "bad_payload", str(bad), venue=slug)
    event_id = parsed.event_id
    kept = {k: v for k in GENERIC_KEPT_HEADERS if (v := request.headers.get(k)) is not None}
    # Scoped by venue: two venues' senders may both number their events evt-1.
    dedupe_key = f"{door.venue_id}:{event_id}"
    event = ProviderEvent(GENERIC, dedupe_key, "receipt", slug, None, body, kept)
    return await _store(doors, event, door.venue_id, answer_id=event_id)


async def square(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    provider = doors.square
    if provider is None or doors.merchant_venue is None:
        return _refuse(doors, "square", 404, "not_configured", "Square is not configured")
    return await _account_webhook(request, doors, PosDoor(provider, doors.merchant_venue))


async def pos_webhook(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    name = request.match_info["provider"]
    pos = doors.pos.get(name)
    if pos is None:
        # Not counted: a metric label per made-up path would let anyone grow /metrics.
        logger.warning("webhook refused (404): no POS %r is configured", name[:40])
        return web.json_response(
            {"error": "not_configured", "reason": "no such POS is configured"}, status=404
        )
    return await _account_webhook(request, doors, pos)


async def _account_webhook(
    request: web.Request, doors: WebhookDoors, pos: PosDoor
) -> web.StreamResponse:
    """Verify, read the envelope, find the account's venue, store, answer."""
    provider = pos.door
    too_big = _too_big(request, doors, provider.name)
    if too_big is not None:
        return too_big
    body = await _read(request, doors, provider.name)
    if isinstance(body, web.Response):
        return body
    delivery = Delivery(body, dict(request.headers))
    try:
        provider.verify(delivery)
    except SignatureInvalid as refused:
        return _refuse(doors, provider.name, 401, refused.code, refused.reason)
    try:
        event = provider.envelope(delivery)
    except InvalidInput as bad:
        return _refuse(doors, provider.name, 400, "bad_payload", str(bad))
    try:
        venue_id = None if event.account is None else await pos.account_venue(event.account)
    except Exception as error:
        return _unavailable(doors, provider.name, error)
    if venue_id is None:
        logger.warning(
            "webhook from an account bound to no venue: stored, will be skipped",
            extra={"provider": provider.name, "merchant": event.account},
        )
    return await _store(doors, event, venue_id)


def to_inbox(event: ProviderEvent, venue_id: int | None, received_at: datetime) -> RawEvent:
    """The one place a provider's event becomes the inbox's `engine.inbox.RawEvent`."""
    return RawEvent(
        provider=event.provider,
        dedupe_key=event.dedupe_key,
        venue_id=venue_id,
        received_at=received_at,
        headers=dict(event.headers),
        body=event.body,
    )


async def _store(
    doors: WebhookDoors, event: ProviderEvent, venue_id: int | None, *, answer_id: str | None = None
) -> web.Response:
    try:
        raw = to_inbox(event, venue_id, doors.now())
    except InvalidInput as bad:  # an event id longer than the column
        return _refuse(doors, event.provider, 400, "bad_payload", str(bad))
    try:
        result: SubmitResult = await doors.sink.submit(raw)
    except Exception as error:
        return _unavailable(doors, event.provider, error)
    doors.counters.received(event.provider)
    status = "duplicate" if result.duplicate else "accepted"
    logger.info(
        "webhook %s",
        status,
        extra={
            "provider": event.provider,
            "event_id": event.dedupe_key,
            "inbox_id": result.event_id,
        },
    )
    return web.json_response({"status": status, "event_id": answer_id or event.dedupe_key})


def _too_big(request: web.Request, doors: WebhookDoors, provider: str) -> web.Response | None:
    length = request.content_length
    if length is not None and length > doors.max_body_bytes:
        return _refuse(
            doors, provider, 413, "too_large", f"the body is over {doors.max_body_bytes}"
        )
    return None


async def _read(request: web.Request, doors: WebhookDoors, provider: str) -> bytes | web.Response:
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _refuse(
            doors, provider, 413, "too_large", f"the body is over {doors.max_body_bytes}"
        )
    if len(body) > doors.max_body_bytes:
        return _refuse(
            doors, provider, 413, "too_large", f"the body is over {doors.max_body_bytes}"
        )
    return body


def _refuse(
    doors: WebhookDoors,
    provider: str,
    status: int,
    code: str,
    reason: str,
    *,
    venue: str | None = None,
) -> web.Response:
    doors.counters.rejected(provider, code)
    logger.warning(
        "webhook refused (%d %s): %s",
        status,
        code,
        reason,
        extra={"provider": provider, "venue": venue},
    )
    return web.json_response({"error": code, "reason": reason}, status=status)


def _unavailable(doors: WebhookDoors, provider: str, error: Exception) -> web.Response:
    doors.counters.rejected(provider, "unavailable")
    # DEBUG: the sink and the venue lookup report the database's outage, logged once for all the
    # webhooks it costs (app/webhooks.py); a line per webhook would bury it.
    logger.debug("webhook not stored, answering 503: %s", error, extra={"provider": provider})
    return web.json_response(
        {"error": "unavailable", "reason": "try again later"},
        status=503,
        headers={"Retry-After": "5"},
    )


# For a POS package's own webhook route (Clover: one delivery holds many events, and a handshake).
refuse = _refuse
unavailable = _unavailable
too_big = _too_big
read_body = _read
