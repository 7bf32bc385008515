"""A fake Square API on 127.0.0.1 (a random port), speaking Square's wire format, and signed
Square webhook deliveries.

    async with FakeSquare() as square:
        token = square.grant()                       # a valid access token for the merchant
        square.add_order(make_order("O-1", ...))
        client = SquareClient(session, square.base_url)

Endpoints: `POST /oauth2/token` (authorization_code and refresh_token grants), `POST
/v2/orders/batch-retrieve`, `POST /v2/orders/search` (state filter, `updated_at` window, UPDATED_AT
sort, cursor paging with the original query enforced), `GET /v2/locations`, `GET
/v2/merchants/me`. Switches: `outage(n)` (503 for the next n calls), `rate_limit(n, retry_after)`
(429), `stall(n, seconds)` (slow answers, for timeouts). `requests` records every call.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from integrations.square.verify import HEADER, sign

Json = dict[str, Any]
MERCHANT_ID = "MLFAKE0MERCHANT"
LOCATION_ID = "LFAKE0LOCATION1"
CLIENT_ID = "sq0idp-fake-app"
CLIENT_SECRET = "sq0csp-fake-secret"
TOKEN_LIFETIME = timedelta(days=30)


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Json | None


@dataclass
class FakeSquare:
    merchant_id: str = MERCHANT_ID
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    orders: dict[str, Json] = field(default_factory=dict)
    locations: list[Json] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    access_tokens: dict[str, str] = field(default_factory=dict)
    """access token -> merchant id."""
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    """unused authorization code -> merchant id."""
    _failures: list[tuple[int, float | None]] = field(default_factory=list)
    _canned: list[tuple[int, bytes]] = field(default_factory=list)
    refresh_returns_refresh_token: bool = True
    """Square's code flow returns the same refresh token; False leaves it out of the answer."""
    _stalls: list[float] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _base_url: str = ""

    def __post_init__(self) -> None:
        if not self.locations:
            self.locations = [
                {
                    "id": LOCATION_ID,
                    "name": "Main Bar",
                    "merchant_id": self.merchant_id,
                    "status": "ACTIVE",
                    "currency": "USD",
                    "timezone": "America/New_York",
                    "country": "US",
                }
            ]

    # -- control ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._base_url

    def grant(self, token: str | None = None, merchant_id: str | None = None) -> str:
        """A valid access token (new unless given) for the merchant."""
        token = token or f"EAAAfake{secrets.token_hex(8)}"
        self.access_tokens[token] = merchant_id or self.merchant_id
        return token

    def revoke(self, token: str) -> None:
        self.access_tokens.pop(token, None)

    def issue_code(self, merchant_id: str | None = None) -> str:
        """An authorization code, as the OAuth callback would carry (single use)."""
        code = f"sq0cgp-{secrets.token_hex(8)}"
        self.codes[code] = merchant_id or self.merchant_id
        return code

    def add_order(self, order: Json) -> None:
        self.orders[order["id"]] = order

    def outage(self, calls: int, status: int = 503) -> None:
        """The next `calls` requests answer `status` (Square's SERVICE_UNAVAILABLE body)."""
        self._failures.extend([(status, None)] * calls)

    def recover(self) -> None:
        """End an `outage` or `rate_limit` early: the next requests are answered."""
        self._failures.clear()

    def rate_limit(self, calls: int, retry_after: float | None = 1) -> None:
        """The next `calls` requests answer 429 RATE_LIMITED, with `Retry-After` when given."""
        self._failures.extend([(429, retry_after)] * calls)

    def answer_next(self, status: int, body: bytes) -> None:
        """The next request gets exactly this status and body (`application/json`)."""
        self._canned.append((status, body))

    def stall(self, calls: int, seconds: float) -> None:
        """The next `calls` requests wait `seconds` before answering."""
        self._stalls.extend([seconds] * calls)

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/oauth2/token", self._token)
        app.router.add_post("/v2/orders/batch-retrieve", self._batch_retrieve)
        app.router.add_post("/v2/orders/search", self._search)
        app.router.add_get("/v2/locations", self._locations)
        app.router.add_get("/v2/merchants/me", self._merchant)
        app.middlewares.append(self._middleware)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the wire --------------------------------------------------------------------------

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        body: Json | None = None
        if request.body_exists:
            try:
                body = await _body(request)
            except json.JSONDecodeError:
                return _error(400, "INVALID_REQUEST_ERROR", "INVALID_CONTENT_TYPE")
        self.requests.append(Recorded(request.method, request.path, dict(request.headers), body))
        if self._stalls:
            await asyncio.sleep(self._stalls.pop(0))
        if self._canned:
            status, raw = self._canned.pop(0)
            return web.Response(status=status, body=raw, content_type="application/json")
        if self._failures:
            status, retry_after = self._failures.pop(0)
            if status == 429:
                headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
                return _error(429, "RATE_LIMIT_ERROR", "RATE_LIMITED", headers)
            return _error(status, "API_ERROR", "SERVICE_UNAVAILABLE")
        response: web.StreamResponse = await handler(request)
        return response

    def _merchant_of(self, request: web.Request) -> str | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        return self.access_tokens.get(auth.removeprefix("Bearer "))

    async def _token(self, request: web.Request) -> web.Response:
        body = await _body(request)
        credentials = (body.get("client_id"), body.get("client_secret"))
        if credentials != (self.client_id, self.client_secret):
            return _error(401, "AUTHENTICATION_ERROR", "UNAUTHORIZED")
        grant = body.get("grant_type")
        if grant == "authorization_code":
            merchant = self.codes.pop(str(body.get("code")), None)
            if merchant is None:
                return _error(400, "INVALID_REQUEST_ERROR", "BAD_REQUEST")
            refresh = f"EQAAfake{secrets.token_hex(8)}"
            self.refresh_tokens[refresh] = merchant
        elif grant == "refresh_token":
            refresh = str(body.get("refresh_token"))
            merchant = self.refresh_tokens.get(refresh)
            if merchant is None:
                return _error(401, "AUTHENTICATION_ERROR", "UNAUTHORIZED")
        else:
            return _error(400, "INVALID_REQUEST_ERROR", "BAD_REQUEST")
        access = self.grant(merchant_id=merchant)
        answer: Json = {
            "access_token": access,
            "token_type": "bearer",
            "expires_at": _utc(self.now() + TOKEN_LIFETIME),
            "merchant_id": merchant,
            "refresh_token": refresh,  # the code flow returns the same refresh token
            "short_lived": False,
        }
        if grant == "refresh_token" and not self.refresh_returns_refresh_token:
            del answer["refresh_token"]
        return web.json_response(answer)

    async def _batch_retrieve(self, request: web.Request) -> web.Response:
        merchant = self._merchant_of(request)
        if merchant is None:
            return _unauthorized()
        body = await _body(request)
        ids = body.get("order_ids")
        if not isinstance(ids, list) or not ids or len(ids) > 100:
            return _error(400, "INVALID_REQUEST_ERROR", "INVALID_VALUE")
        location = body.get("location_id")
        found = [
            self.orders[i]
            for i in ids
            if i in self.orders and location in (None, self.orders[i].get("location_id"))
        ]
        return web.json_response({"orders": found} if found else {})

    async def _search(self, request: web.Request) -> web.Response:
        if self._merchant_of(request) is None:
            return _unauthorized()
        body = dict(await _body(request))
        cursor = body.pop("cursor", None)
        locations = body.get("location_ids")
        if not isinstance(locations, list) or not 1 <= len(locations) <= 10:
            return _error(400, "INVALID_REQUEST_ERROR", "INVALID_VALUE")
        query = body.get("query", {})
        window = query.get("filter", {}).get("date_time_filter", {})
        sort_field = query.get("sort", {}).get("sort_field", "CREATED_AT")
        if window and [f"{k.upper()}" for k in window] != [sort_field]:
            # Square: the sort field must be the date-time filter's field.
            return _error(400, "INVALID_REQUEST_ERROR", "INVALID_SORT_ORDER")
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
        offset = 0
        if cursor is not None:
            try:
                offset_text, query_digest = base64.urlsafe_b64decode(cursor).decode().split(":")
                offset = int(offset_text)
            except ValueError:
                return _error(400, "INVALID_REQUEST_ERROR", "INVALID_CURSOR")
            if query_digest != digest:
                return _error(400, "INVALID_REQUEST_ERROR", "INVALID_CURSOR")
        states = query.get("filter", {}).get("state_filter", {}).get("states")
        field_name, bounds = next(iter(window.items()), ("updated_at", {}))
        matching = [
            order
            for order in self.orders.values()
            if order.get("location_id") in locations
            and (states is None or order.get("state") in states)
            and _within(order.get(field_name), bounds)
        ]
        descending = query.get("sort", {}).get("sort_order") == "DESC"
        matching.sort(key=lambda o: _instant(o.get(field_name)), reverse=descending)
        limit = int(body.get("limit", 500))
        page = matching[offset : offset + limit]
        answer: Json = {"orders": page} if page else {}
        if offset + limit < len(matching):
            answer["cursor"] = base64.urlsafe_b64encode(
                f"{offset + limit}:{digest}".encode()
            ).decode()
        return web.json_response(answer)

    async def _locations(self, request: web.Request) -> web.Response:
        merchant = self._merchant_of(request)
        if merchant is None:
            return _unauthorized()
        return web.json_response(
            {"locations": [loc for loc in self.locations if loc.get("merchant_id") == merchant]}
        )

    async def _merchant(self, request: web.Request) -> web.Response:
        merchant = self._merchant_of(request)
        if merchant is None:
            return _unauthorized()
        return web.json_response(
            {
                "merchant": {
                    "id": merchant,
                    "business_name": "The Fake Tap Room",
                    "country": "US",
                    "language_code": "en-US",
                    "currency": "USD",
                    "status": "ACTIVE",
                    "main_location_id": LOCATION_ID,
                    "created_at": "2024-01-02T03:04:05.678Z",
                }
            }
        )


async def _body(request: web.Request) -> Json:
    """The JSON body again (aiohttp keeps the bytes the middleware read)."""
    raw = await request.read()
    if not raw:
        return {}
    body = json.loads(raw)
    return body if isinstance(body, dict) else {}


def _instant(text: object) -> datetime:
    return datetime.fromisoformat(str(text)) if text else datetime.min.replace(tzinfo=UTC)


def _within(text: object, bounds: Json) -> bool:
    at = _instant(text)
    if "start_at" in bounds and at < _instant(bounds["start_at"]):
        return False
    return not ("end_at" in bounds and at > _instant(bounds["end_at"]))


def _error(
    status: int, category: str, code: str, headers: dict[str, str] | None = None
) -> web.Response:
    errors = [{"category": category, "code": code, "detail": f"fake Square says {code}"}]
    return web.json_response({"errors": errors}, status=status, headers=headers)


def _unauthorized() -> web.Response:
    return _error(401, "AUTHENTICATION_ERROR", "UNAUTHORIZED")


# -- orders ----------------------------------------------------------------------------------


def money(amount: int, currency: str = "USD") -> Json:
    return {"amount": amount, "currency": currency}


def make_line(
    uid: str,
    name: str,
    price: int,
    quantity: str = "1",
    *,
    catalog_object_id: str | None = None,
    variation_name: str | None = None,
    discount: int = 0,
    modifiers: list[Json] | None = None,
    currency: str = "USD",
) -> Json:
    """A line item as Square computes it: gross = base x quantity + modifier totals."""
    mods = modifiers or []
    variation_total = int(Decimal(price) * Decimal(quantity))
    gross = variation_total + sum(m["total_price_money"]["amount"] for m in mods)
    line: Json = {
        "uid": uid,
        "name": name,
        "quantity": quantity,
        "item_type": "ITEM",
        "base_price_money": money(price, currency),
        "variation_total_price_money": money(variation_total, currency),
        "gross_sales_money": money(gross, currency),
        "total_discount_money": money(discount, currency),
        "total_tax_money": money(0, currency),
        "total_money": money(gross - discount, currency),
    }
    if catalog_object_id is not None:
        line["catalog_object_id"] = catalog_object_id
    if variation_name is not None:
        line["variation_name"] = variation_name
    if mods:
        line["modifiers"] = mods
    return line


def make_modifier(
    uid: str,
    name: str,
    price: int,
    quantity: str = "1",
    *,
    line_quantity: str = "1",
    catalog_object_id: str | None = None,
) -> Json:
    """A modifier: total = base x modifier quantity x line quantity (Square's rule)."""
    total = int(Decimal(price) * Decimal(quantity) * Decimal(line_quantity))
    modifier: Json = {
        "uid": uid,
        "name": name,
        "quantity": quantity,
        "base_price_money": money(price),
        "total_price_money": money(total),
    }
    if catalog_object_id is not None:
        modifier["catalog_object_id"] = catalog_object_id
    return modifier


def make_order(
    order_id: str,
    *,
    lines: list[Json] | None = None,
    returns: list[Json] | None = None,
    state: str = "COMPLETED",
    version: int = 1,
    updated_at: str = "2024-05-24T02:14:08.904Z",
    closed_at: str | None = "2024-05-24T02:14:08.811Z",
    location_id: str = LOCATION_ID,
) -> Json:
    order: Json = {
        "id": order_id,
        "location_id": location_id,
        "state": state,
        "version": version,
        "created_at": "2024-05-24T01:52:33.018Z",
        "updated_at": updated_at,
    }
    if lines:
        order["line_items"] = lines
    if returns:
        order["returns"] = returns
    if closed_at is not None and state == "COMPLETED":
        order["closed_at"] = closed_at
    return order


# -- webhooks --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignedDelivery:
    body: bytes
    headers: dict[str, str]


def payment_updated(
    order_id: str | None,
    *,
    status: str = "COMPLETED",
    merchant_id: str = MERCHANT_ID,
    location_id: str = LOCATION_ID,
    payment_id: str | None = None,
    event_id: str | None = None,
    kind: str = "payment.updated",
) -> Json:
    payment_id = payment_id or f"PAY{secrets.token_hex(6)}"
    payment: Json = {
        "id": payment_id,
        "created_at": "2024-05-24T02:14:07.512Z",
        "updated_at": "2024-05-24T02:14:08.811Z",
        "amount_money": money(4660),
        "total_money": money(4660),
        "status": status,
        "source_type": "CARD",
        "location_id": location_id,
    }
    if order_id is not None:
        payment["order_id"] = order_id
    return {
        "merchant_id": merchant_id,
        "type": kind,
        "event_id": event_id or str(uuid.uuid4()),
        "created_at": "2024-05-24T02:14:08.990Z",
        "data": {"type": "payment", "id": payment_id, "object": {"payment": payment}},
    }


def order_updated(
    order_id: str,
    *,
    state: str = "COMPLETED",
    version: int = 1,
    merchant_id: str = MERCHANT_ID,
    location_id: str = LOCATION_ID,
    event_id: str | None = None,
    kind: str = "order.updated",
) -> Json:
    key = {"order.updated": "order_updated", "order.created": "order_created"}.get(
        kind, "order_fulfillment_updated"
    )
    return {
        "merchant_id": merchant_id,
        "type": kind,
        "event_id": event_id or str(uuid.uuid4()),
        "created_at": "2024-05-24T02:14:09.204Z",
        "data": {
            "type": "order",
            "id": order_id,
            "object": {
                key: {
                    "created_at": "2024-05-24T01:52:33.018Z",
                    "location_id": location_id,
                    "order_id": order_id,
                    "state": state,
                    "updated_at": "2024-05-24T02:14:08.904Z",
                    "version": version,
                }
            },
        },
    }


def refund_updated(
    return_order_id: str | None,
    *,
    status: str = "COMPLETED",
    merchant_id: str = MERCHANT_ID,
    location_id: str = LOCATION_ID,
    event_id: str | None = None,
) -> Json:
    refund: Json = {
        "id": f"REF{secrets.token_hex(6)}",
        "status": status,
        "location_id": location_id,
        "amount_money": money(800),
        "payment_id": "PAYoriginal",
    }
    if return_order_id is not None:
        refund["order_id"] = return_order_id
    return {
        "merchant_id": merchant_id,
        "type": "refund.updated",
        "event_id": event_id or str(uuid.uuid4()),
        "created_at": "2024-05-25T10:00:00.000Z",
        "data": {"type": "refund", "id": refund["id"], "object": {"refund": refund}},
    }


def deliver(
    event: Json,
    *,
    signature_key: str,
    notification_url: str,
    retry_number: int | None = None,
    square_version: str = "2025-07-16",
) -> SignedDelivery:
    """An event as Square posts it: compact JSON, signed over notification URL + body."""
    body = json.dumps(event, separators=(",", ":")).encode()
    headers = {
        "content-type": "application/json",
        HEADER: sign(signature_key, notification_url, body),
        "square-version": square_version,
        "square-environment": "Production",
        "square-initial-delivery-timestamp": "2024-05-24T02:14:09.511Z",
    }
    if retry_number is not None:
        headers["square-retry-number"] = str(retry_number)
        headers["square-retry-reason"] = "http_timeout"
    return SignedDelivery(body, headers)
