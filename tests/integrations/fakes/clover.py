"""A fake Clover (REST API v3 and OAuth v2) on 127.0.0.1, speaking Clover's wire format.

    async with FakeClover() as clover:
        token = clover.grant()                     # a valid access token for the merchant
        clover.add_order(make_order("ORD1", lines=[...]))
        client = CloverClient(session, clover.base_url)

Endpoints: `GET /oauth/v2/authorize` (approves at once: 302 to `redirect_uri` with `merchant_id`,
`client_id`, `code` and `state`), `POST /oauth/v2/token` and `POST /oauth/v2/refresh` (expiring
access tokens; single-use refresh tokens), `GET /v3/merchants/{mId}`, `GET
/v3/merchants/{mId}/orders/{id}` and `GET /v3/merchants/{mId}/orders` (only the collections named
in `expand` are returned; the list takes `filter=modifiedTime>=|>|<|<=<ms>`, `limit` (at most
1000) and `offset`, newest created first), `GET /v3/merchants/{mId}/payments/{id}`. A token of
another merchant, or expired, is a 401. Switches: `outage(n)` (503), `rate_limit(n, retry_after)`
(429 with `Retry-After` and `X-RateLimit-tokenLimit`), `stall(n, seconds)`. `requests` records
every call. `python -m tests.integrations.fakes.clover` serves it for a walk through the README.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

from aiohttp import web

from tests.integrations.fakes.clover_orders import APP_ID, MERCHANT_ID, Json

APP_SECRET = "fake-clover-app-secret"
ACCESS_LIFETIME = timedelta(minutes=30)
REFRESH_LIFETIME = timedelta(days=365)
ORDER_COLLECTIONS = ("lineItems", "discounts", "payments", "refunds", "credits")
LINE_COLLECTIONS = ("modifications", "discounts", "taxRates")


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: Json | None


@dataclass
class FakeClover:
    merchant_id: str = MERCHANT_ID
    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    access_lifetime: timedelta = ACCESS_LIFETIME
    merchants: dict[str, str] = field(default_factory=dict)
    """merchant id -> name."""
    orders: dict[tuple[str, str], Json] = field(default_factory=dict)
    payments: dict[tuple[str, str], Json] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    access_tokens: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    spent_refresh_tokens: set[str] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)
    approve_as: str | None = None
    """The merchant whose staff approves the authorize page (default: `merchant_id`)."""
    _failures: list[tuple[int, float | None]] = field(default_factory=list)
    _stalls: list[float] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _base_url: str = ""

    def __post_init__(self) -> None:
        self.merchants.setdefault(self.merchant_id, "The Fake Tap Room")

    # -- control ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._base_url

    def grant(self, merchant_id: str | None = None, *, lifetime: timedelta | None = None) -> str:
        """A valid access token for the merchant."""
        token = f"fake-access-{secrets.token_hex(8)}"
        expires = self.now() + (lifetime or self.access_lifetime)
        self.access_tokens[token] = (merchant_id or self.merchant_id, expires)
        return token

    def issue_refresh(self, merchant_id: str | None = None) -> str:
        token = f"fake-refresh-{secrets.token_hex(8)}"
        self.refresh_tokens[token] = (
            merchant_id or self.merchant_id,
            self.now() + REFRESH_LIFETIME,
        )
        return token

    def issue_code(self, merchant_id: str | None = None) -> str:
        code = f"fake-code-{secrets.token_hex(8)}"
        self.codes[code] = merchant_id or self.merchant_id
        return code

    def add_order(self, order: Json, merchant_id: str | None = None) -> None:
        merchant = merchant_id or self.merchant_id
        self.orders[(merchant, order["id"])] = order
        for payment in order.get("payments", {}).get("elements", []):
            self.payments[(merchant, payment["id"])] = payment

    def outage(self, calls: int, status: int = 503) -> None:
        self._failures.extend([(status, None)] * calls)

    def recover(self) -> None:
        """End an `outage` or `rate_limit` early: the next requests are answered."""
        self._failures.clear()

    def rate_limit(self, calls: int, retry_after: float | None = 1) -> None:
        self._failures.extend([(429, retry_after)] * calls)

    def stall(self, calls: int, seconds: float) -> None:
        self._stalls.extend([seconds] * calls)

    def calls(self, path_start: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith(path_start)]

    # -- lifecycle -------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        app.router.add_post("/oauth/v2/token", self._token)
        app.router.add_post("/oauth/v2/refresh", self._refresh)
        app.router.add_get("/v3/merchants/{mid}", self._merchant)
        app.router.add_get("/v3/merchants/{mid}/orders", self._list_orders)
        app.router.add_get("/v3/merchants/{mid}/orders/{oid}", self._order)
        app.router.add_get("/v3/merchants/{mid}/payments/{pid}", self._payment)
        return app

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def start(self, port: int = 0) -> None:
        self._runner = web.AppRunner(self.application())
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        host, bound = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{bound}"

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
        body = None
        if request.body_exists:
            try:
                body = await request.json()
            except ValueError:
                return _error(400, "Malformed JSON")
        query = list(request.query.items())
        self.requests.append(
            Recorded(request.method, request.path, query, dict(request.headers), body)
        )
        if self._stalls:
            await asyncio.sleep(self._stalls.pop(0))
        if self._failures and not request.path.startswith("/oauth/v2/authorize"):
            status, retry_after = self._failures.pop(0)
            if status == 429:
                headers = {"X-RateLimit-tokenLimit": "16"}
                if retry_after is not None:
                    headers["Retry-After"] = f"{retry_after:g}"
                return _error(429, "Too Many Requests", headers)
            return _error(status, "Service Unavailable")
        response: web.StreamResponse = await handler(request)
        return response

    def _merchant_of(self, request: web.Request) -> str | None:
        auth = request.headers.get("Authorization", "")
        found = (
            self.access_tokens.get(auth.removeprefix("Bearer "))
            if auth.startswith("Bearer ")
            else None
        )
        if found is None or found[1] <= self.now():
            return None
        return found[0]

    def _pair(self, merchant: str) -> Json:
        access = self.grant(merchant)
        refresh = self.issue_refresh(merchant)
        return {
            "access_token": access,
            "access_token_expiration": int(self.access_tokens[access][1].timestamp()),
            "refresh_token": refresh,
            "refresh_token_expiration": int(self.refresh_tokens[refresh][1].timestamp()),
        }

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("client_id") != self.app_id or "redirect_uri" not in request.query:
            return _error(400, "Invalid client_id or redirect_uri")
        merchant = self.approve_as or self.merchant_id
        query = {"merchant_id": merchant, "client_id": self.app_id, "employee_id": "EMPFAKE000001"}
        query["code"] = self.issue_code(merchant)
        if "state" in request.query:
            query["state"] = request.query["state"]
        raise web.HTTPFound(f"{request.query['redirect_uri']}?{urlencode(query)}")

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("client_id"), body.get("client_secret")) != (self.app_id, self.app_secret):
            return _error(401, "Unauthorized")
        merchant = self.codes.pop(str(body.get("code")), None)
        if merchant is None:
            return _error(400, "Invalid authorization code")
        return web.json_response(self._pair(merchant))

    async def _refresh(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("client_id") != self.app_id:
            return _error(401, "Unauthorized")
        token = str(body.get("refresh_token"))
        found = self.refresh_tokens.pop(token, None)
        if found is None or found[1] <= self.now():
            return _error(400, "Invalid refresh token")
        self.spent_refresh_tokens.add(token)
        return web.json_response(self._pair(found[0]))

    def _authorized(self, request: web.Request) -> str | web.Response:
        merchant = request.match_info["mid"]
        if self._merchant_of(request) != merchant:
            return _error(401, "Unauthorized")
        return merchant

    async def _merchant(self, request: web.Request) -> web.Response:
        merchant = self._authorized(request)
        if isinstance(merchant, web.Response):
            return merchant
        return web.json_response({"id": merchant, "name": self.merchants.get(merchant, "")})

    async def _order(self, request: web.Request) -> web.Response:
        merchant = self._authorized(request)
        if isinstance(merchant, web.Response):
            return merchant
        order = self.orders.get((merchant, request.match_info["oid"]))
        if order is None:
            return _error(404, "Not Found")
        return web.json_response(_expanded(order, request.query.get("expand", "")))

    async def _payment(self, request: web.Request) -> web.Response:
        merchant = self._authorized(request)
        if isinstance(merchant, web.Response):
            return merchant
        payment = self.payments.get((merchant, request.match_info["pid"]))
        return _error(404, "Not Found") if payment is None else web.json_response(payment)

    async def _list_orders(self, request: web.Request) -> web.Response:
        merchant = self._authorized(request)
        if isinstance(merchant, web.Response):
            return merchant
        try:
            limit = int(request.query.get("limit", "100"))
            offset = int(request.query.get("offset", "0"))
            tests = [_filter(text) for text in request.query.getall("filter", [])]
        except ValueError as bad:
            return _error(400, str(bad))
        if not 1 <= limit <= 1000 or offset < 0:
            return _error(400, "limit must be 1 to 1000")
        found = [
            order
            for (owner, _), order in self.orders.items()
            if owner == merchant and all(test(order) for test in tests)
        ]
        found.sort(key=lambda o: (-o["createdTime"], o["id"]))
        expand = request.query.get("expand", "")
        page = [_expanded(order, expand) for order in found[offset : offset + limit]]
        href = f"{self.base_url}/v3/merchants/{merchant}/orders?limit={limit}"
        return web.json_response({"elements": page, "href": href})


def _filter(text: str) -> Callable[[Json], bool]:
    for op in (">=", "<=", ">", "<"):
        field_name, sep, value = text.partition(op)
        if sep:
            break
    else:
        raise ValueError(f"unsupported filter {text!r}")
    if field_name != "modifiedTime":
        raise ValueError(f"unsupported filter field {field_name!r}")
    bound = int(value)
    compare = {">=": int.__ge__, "<=": int.__le__, ">": int.__gt__, "<": int.__lt__}[op]
    return lambda order: bool(compare(order["modifiedTime"], bound))


def _expanded(order: Json, expand: str) -> Json:
    """The order as Clover answers it: only the collections `expand` names."""
    wanted = {part.strip() for part in expand.split(",") if part.strip()}
    answer = copy.deepcopy(order)
    for name in ORDER_COLLECTIONS:
        if name not in wanted:
            answer.pop(name, None)
    for line in answer.get("lineItems", {}).get("elements", []):
        for name in LINE_COLLECTIONS:
            if f"lineItems.{name}" not in wanted:
                line.pop(name, None)
    return answer


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"message": message}, status=status, headers=headers)
