"""A fake Toast API on 127.0.0.1 (a random port), speaking Toast's wire format, and signed Toast
webhook messages.

    async with FakeToast() as toast:
        toast.grant(RESTAURANT)                       # the restaurant adds barback in Toast Web
        toast.put_order(RESTAURANT, make_order(...))  # Toast holds the order
        client = ToastClient(PosApi(session, toast.base_url, "toast"))

Endpoints: `POST /authentication/v1/authentication/login` (the machine client's credentials;
`{"token": {"tokenType", "expiresIn", "accessToken", ...}, "status": "SUCCESS"}`), `GET
/partners/v1/restaurants`, `GET /orders/v2/orders/{guid}` and `GET /orders/v2/ordersBulk`
(orders *modified* in [startDate, endDate), `pageSize` at most 100, `page` from 1, `Link`
headers for the other pages). Order endpoints need `Toast-Restaurant-External-ID` naming a
restaurant that granted access (else 403) and a live bearer token (else 401). Switches:
`outage(n)` (503 for the next n calls; `recover()` ends it), `rate_limit(n, retry_after)` (429
with `Retry-After`), `expire_tokens()`. `requests` records every call.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

from aiohttp import web

from integrations.toast.client import LOGIN_PATH, RESTAURANT_HEADER

Json = dict[str, Any]
CLIENT_ID = "toast-fake-client"
CLIENT_SECRET = "toast-fake-secret"
RESTAURANT = "0cd990c9-fd74-461d-8468-de2a0919ccbb"
TOKEN_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeToast:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    token_seconds: int = TOKEN_SECONDS
    restaurants: dict[str, Json] = field(default_factory=dict)
    """Restaurants that gave barback access, as `GET /partners/v1/restaurants` lists them."""
    orders: dict[str, dict[str, Json]] = field(default_factory=dict)
    """restaurant guid -> order guid -> the order as Toast holds it now."""
    tokens: dict[str, datetime] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    logins: int = 0
    _failures: list[tuple[int, int | None]] = field(default_factory=list)
    _stalls: list[float] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _base_url: str = ""

    # -- control ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._base_url

    def grant(self, restaurant: str = RESTAURANT, name: str = "The Fake Tap Room") -> None:
        """The restaurant adds barback from Toast's integrations marketplace."""
        self.restaurants[restaurant] = {
            "restaurantGuid": restaurant,
            "managementGroupGuid": None,
            "restaurantName": name,
            "locationName": None,
            "createdByEmailAddress": "manager@example.com",
            "externalGroupRef": None,
            "externalRestaurantRef": None,
            "modifiedDate": int(self.now().timestamp() * 1000),
            "createdDate": int(self.now().timestamp() * 1000),
            "isoModifiedDate": _iso(self.now()),
            "isoCreatedDate": _iso(self.now()),
            "deleted": False,
        }
        self.orders.setdefault(restaurant, {})

    def revoke(self, restaurant: str = RESTAURANT) -> None:
        self.restaurants.pop(restaurant, None)

    def put_order(self, restaurant: str, order: Json) -> None:
        self.orders.setdefault(restaurant, {})[order["guid"]] = order

    def outage(self, calls: int, status: int = 503) -> None:
        self._failures.extend([(status, None)] * calls)

    def recover(self) -> None:
        self._failures.clear()

    def rate_limit(self, calls: int, retry_after: int | None = 1) -> None:
        self._failures.extend([(429, retry_after)] * calls)

    def stall(self, calls: int, seconds: float) -> None:
        self._stalls.extend([seconds] * calls)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_post(LOGIN_PATH, self._login)
        app.router.add_get("/partners/v1/restaurants", self._restaurants)
        app.router.add_get("/orders/v2/ordersBulk", self._orders_bulk)
        app.router.add_get("/orders/v2/orders/{guid}", self._order)
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
        self.requests.append(
            Recorded(request.method, request.path, dict(request.query), dict(request.headers))
        )
        if self._stalls:
            await asyncio.sleep(self._stalls.pop(0))
        if self._failures:
            status, retry_after = self._failures.pop(0)
            if status == 429:
                headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
                return _error(429, "Rate limit exceeded", headers)
            return _error(status, "Service unavailable")
        response: web.StreamResponse = await handler(request)
        return response

    async def _login(self, request: web.Request) -> web.Response:
        body = await request.json()
        credentials = (body.get("clientId"), body.get("clientSecret"))
        if credentials != (self.client_id, self.client_secret):
            return _error(401, "Invalid client credentials")
        if body.get("userAccessType") != "TOAST_MACHINE_CLIENT":
            return _error(400, "userAccessType must be TOAST_MACHINE_CLIENT")
        token = f"eyJfake.{secrets.token_urlsafe(24)}"
        self.tokens[token] = self.now() + timedelta(seconds=self.token_seconds)
        self.logins += 1
        answer = {
            "token": {
                "tokenType": "Bearer",
                "scope": "orders:read partners:read",
                "expiresIn": self.token_seconds,
                "accessToken": token,
                "idToken": None,
                "refreshToken": None,
            },
            "status": "SUCCESS",
        }
        return web.json_response(answer)

    def _authorized(self, request: web.Request) -> bool:
        auth = request.headers.get("Authorization", "")
        expires = self.tokens.get(auth.removeprefix("Bearer "))
        return auth.startswith("Bearer ") and expires is not None and expires > self.now()

    def _restaurant(self, request: web.Request) -> str | web.Response:
        if not self._authorized(request):
            return _error(401, "Access token is missing or expired")
        restaurant = request.headers.get(RESTAURANT_HEADER, "")
        if restaurant not in self.restaurants:
            return _error(403, "Restaurant has not granted access to this client")
        return restaurant

    async def _restaurants(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, "Access token is missing or expired")
        return web.json_response(list(self.restaurants.values()))

    async def _order(self, request: web.Request) -> web.Response:
        restaurant = self._restaurant(request)
        if isinstance(restaurant, web.Response):
            return restaurant
        order = self.orders.get(restaurant, {}).get(request.match_info["guid"])
        if order is None:
            return _error(404, "Order not found")
        return web.json_response(order)

    async def _orders_bulk(self, request: web.Request) -> web.Response:
        restaurant = self._restaurant(request)
        if isinstance(restaurant, web.Response):
            return restaurant
        query = request.query
        try:
            start = datetime.fromisoformat(query["startDate"])
            end = datetime.fromisoformat(query["endDate"])
            size = int(query.get("pageSize", "100"))
            page = int(query.get("page", "1"))
        except (KeyError, ValueError):
            return _error(400, "startDate and endDate must be ISO 8601 times")
        if not 1 <= size <= 100 or page < 1:
            return _error(400, "pageSize must be 1 to 100 and page at least 1")
        matching = sorted(
            (
                o
                for o in self.orders.get(restaurant, {}).values()
                if start <= datetime.fromisoformat(o["modifiedDate"]) < end
            ),
            key=lambda o: datetime.fromisoformat(o["modifiedDate"]),
        )
        chunk = matching[(page - 1) * size : page * size]
        links = []
        params = {"startDate": query["startDate"], "endDate": query["endDate"], "pageSize": size}
        if page * size < len(matching):
            links.append(self._link(request, {**params, "page": page + 1}, "next"))
        if page > 1:
            links.append(self._link(request, {**params, "page": page - 1}, "prev"))
        response = web.json_response(chunk)
        for link in links:
            response.headers.add("Link", link)
        return response

    def _link(self, request: web.Request, params: dict[str, object], rel: str) -> str:
        return f'<{self._base_url}{request.path}?{urlencode(params)}>; rel="{rel}"'


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"status": status, "message": message, "requestId": str(uuid.uuid4())}
    return web.json_response(body, status=status, headers=headers)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
