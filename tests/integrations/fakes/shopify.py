"""A fake Shopify on 127.0.0.1 (a random port) speaking Shopify's wire format: the OAuth install
flow, the Admin REST API barback reads, and webhook deliveries to the shops' subscriptions.

    async with FakeShopify() as shopify:
        env = {"SHOPIFY_BASE_URL": shopify.base_url, ...}   # http://127.0.0.1:<port>/{shop}
        token = shopify.grant()                   # a valid offline token for the shop
        shopify.add_order(make_order(...))
        await shopify.push("orders/paid", order)  # signed deliveries to the subscriptions

Each shop lives under `/<shop domain>/admin/...` (the `{shop}` template barback's
`SHOPIFY_BASE_URL` takes). Endpoints: `GET /admin/oauth/authorize` (approves at once: a 302 to the
`redirect_uri` with `code`, `hmac`, `host`, `shop`, `state` and `timestamp`, signed as Shopify
signs), `POST /admin/oauth/access_token` (code and refresh grants; `expiring: 1` gives hour-long
tokens with rotating refresh tokens when `expiring` is on), `GET locations.json`, `GET
orders/<id>.json`, `GET orders.json` (`status`, `updated_at_min`/`_max`, `limit`, and `Link`
header cursors: a `page_info` request may carry only `limit`), `GET`/`POST webhooks.json`.
Switches: `outage(n)` (503), `rate_limit(n, retry_after)` (429 + `Retry-After`), `stall(n, s)`.
`requests` records every call.

`python -m tests.integrations.fakes.shopify [--port 8765]` serves it alone, to try the connect
steps by hand; `POST /<shop>/_fake/sales` (`{"title": ..., "price": "8.00", "quantity": 2}`) then
rings up a paid POS sale and delivers its `orders/paid` webhook to the shop's subscriptions.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from integrations.shopify.verify import sign_query
from tests.integrations.fakes.shopify_orders import (
    LOCATION_ID,
    SHOP,
    Json,
    deliver,
    make_line,
    make_order,
)

CLIENT_ID = "fake-shopify-client-id"
CLIENT_SECRET = "fake-shopify-client-secret"
SCOPE = "read_orders,read_locations"
TOKEN_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    shop: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Json | None


@dataclass
class Store:
    domain: str
    locations: list[Json]
    orders: dict[int, Json] = field(default_factory=dict)
    subscriptions: list[Json] = field(default_factory=list)


@dataclass
class FakeShopify:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    expiring: bool = False
    """Answer `expiring: 1` code exchanges with hour-long tokens and refresh tokens."""
    page_size: int | None = None
    """Pages smaller than the `limit` asked for, to make pagination visible in tests."""
    port: int = 0
    stores: dict[str, Store] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    access_tokens: dict[str, str] = field(default_factory=dict)
    """access token -> shop."""
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    """unused authorization code -> shop."""
    _failures: list[tuple[int, float | None]] = field(default_factory=list)
    _stalls: list[float] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _root: str = ""

    # -- control ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The `SHOPIFY_BASE_URL` template that reaches this fake."""
        return f"{self._root}/{{shop}}"

    def store(self, shop: str = SHOP) -> Store:
        if shop not in self.stores:
            location = {"id": LOCATION_ID, "name": "Main Bar", "active": True}
            self.stores[shop] = Store(shop, [location])
        return self.stores[shop]

    def grant(self, shop: str = SHOP) -> str:
        token = f"shpat_{secrets.token_hex(16)}"
        self.store(shop)
        self.access_tokens[token] = shop
        return token

    def issue_code(self, shop: str = SHOP) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = shop
        return code

    def add_order(self, order: Json, shop: str = SHOP) -> None:
        self.store(shop).orders[int(order["id"])] = order

    def outage(self, calls: int, status: int = 503) -> None:
        self._failures.extend([(status, None)] * calls)

    def recover(self) -> None:
        """End an `outage` or `rate_limit` early: the next requests are answered."""
        self._failures.clear()

    def rate_limit(self, calls: int, retry_after: float | None = 2.0) -> None:
        self._failures.extend([(429, retry_after)] * calls)

    def stall(self, calls: int, seconds: float) -> None:
        self._stalls.extend([seconds] * calls)

    def calls(self, suffix: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith(suffix)]

    async def push(self, topic: str, resource: Json, shop: str = SHOP) -> list[int]:
        """Deliver `resource` on `topic` to every subscription of the shop, as Shopify does;
        the statuses the subscribers answered."""
        statuses = []
        async with aiohttp.ClientSession() as session:
            for subscription in self.store(shop).subscriptions:
                if subscription["topic"] != topic:
                    continue
                signed = deliver(topic, resource, secret=self.client_secret, shop=shop)
                address = subscription["address"]
                async with session.post(address, data=signed.body, headers=signed.headers) as r:
                    statuses.append(r.status)
        return statuses

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application(middlewares=[self._middleware])
        admin = "/{shop}/admin"
        app.router.add_get(f"{admin}/oauth/authorize", self._authorize)
        app.router.add_post(f"{admin}/oauth/access_token", self._access_token)
        api = admin + "/api/{version}"
        app.router.add_get(api + "/locations.json", self._locations)
        app.router.add_get(api + "/orders/{id:\\d+}.json", self._order)
        app.router.add_get(api + "/orders.json", self._orders)
        app.router.add_get(api + "/webhooks.json", self._webhooks)
        app.router.add_post(api + "/webhooks.json", self._subscribe)
        app.router.add_post("/{shop}/_fake/sales", self._sell)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        host, port = self._runner.addresses[0][:2]
        self._root = f"http://{host}:{port}"
        self.store()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
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
                body = json.loads(await request.read())
            except json.JSONDecodeError:
                return _errors(400, "body is not JSON")
        shop = request.match_info.get("shop", "")
        suffix = request.path.removeprefix(f"/{shop}")
        self.requests.append(
            Recorded(request.method, shop, suffix, dict(request.query), dict(request.headers), body)
        )
        if self._stalls:
            await asyncio.sleep(self._stalls.pop(0))
        if self._failures:
            status, retry_after = self._failures.pop(0)
            if status == 429:
                headers = {} if retry_after is None else {"Retry-After": f"{retry_after:.1f}"}
                return _errors(429, "Exceeded 2 calls per second for api client.", headers)
            return _errors(status, "Service Unavailable")
        if shop not in self.stores:
            return web.Response(status=404, text="There is no shop here")
        if (
            "/api/" in suffix
            and self.access_tokens.get(request.headers.get("X-Shopify-Access-Token", "")) != shop
        ):
            return _errors(401, "[API] Invalid API key or access token (unrecognized login or "
                           "wrong password)")  # fmt: skip
        response: web.StreamResponse = await handler(request)
        return response

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        query, shop = request.query, request.match_info["shop"]
        if query.get("client_id") != self.client_id or not query.get("redirect_uri"):
            return web.Response(status=400, text="Oauth error invalid_request")
        params = {
            "code": self.issue_code(shop),
            "host": base64.b64encode(f"admin.shopify.com/store/{shop}".encode()).decode(),
            "shop": shop,
            "state": query.get("state", ""),
            "timestamp": str(int(self.now().timestamp())),
        }
        params["hmac"] = sign_query(self.client_secret, params.items())
        raise web.HTTPFound(f"{query['redirect_uri']}?{urlencode(params)}")

    async def _access_token(self, request: web.Request) -> web.Response:
        body, shop = await request.json(), request.match_info["shop"]
        if (body.get("client_id"), body.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return _oauth_error("invalid_client", "Client credentials are invalid")
        if body.get("grant_type") == "refresh_token":
            if self.refresh_tokens.pop(str(body.get("refresh_token")), None) != shop:
                return _oauth_error("invalid_grant", "refresh token is invalid")
            return self._token(shop, expiring=True)
        if self.codes.pop(str(body.get("code")), None) != shop:
            return _oauth_error("invalid_request", "authorization code was not found")
        return self._token(shop, expiring=self.expiring and body.get("expiring") in (1, "1"))

    def _token(self, shop: str, *, expiring: bool) -> web.Response:
        answer: Json = {"access_token": self.grant(shop), "scope": SCOPE}
        if expiring:
            refresh = f"shprt_{secrets.token_hex(16)}"
            self.refresh_tokens[refresh] = shop
            answer |= {"expires_in": int(TOKEN_LIFETIME.total_seconds()), "refresh_token": refresh}
        return web.json_response(answer)

    async def _locations(self, request: web.Request) -> web.Response:
        return web.json_response({"locations": self.store(request.match_info["shop"]).locations})

    async def _order(self, request: web.Request) -> web.Response:
        order = self.store(request.match_info["shop"]).orders.get(int(request.match_info["id"]))
        return _errors(404, "Not Found") if order is None else web.json_response({"order": order})

    async def _orders(self, request: web.Request) -> web.Response:
        query, shop = request.query, request.match_info["shop"]
        limit = int(query.get("limit", "50"))
        if not 1 <= limit <= 250:
            return _errors(400, "limit must be from 1 to 250")
        if "page_info" in query:
            extra = set(query) - {"page_info", "limit", "fields"}
            if extra:
                return _errors(400, f"page_info cannot be used with {sorted(extra)}")
            filters, start = json.loads(base64.urlsafe_b64decode(query["page_info"]))
        else:
            filters, start = {k: v for k, v in query.items() if k != "limit"}, 0
        found = sorted(
            (o for o in self.store(shop).orders.values() if _matches(o, filters)),
            key=lambda o: (_instant(o["updated_at"]), o["id"]),
        )
        size = min(limit, self.page_size or limit)
        page = found[start : start + size]
        headers = {}
        if start + size < len(found):
            cursor = base64.urlsafe_b64encode(json.dumps([filters, start + size]).encode())
            url = f"{self._root}{request.path}?{urlencode({'limit': limit, 'page_info': cursor})}"
            headers["Link"] = f'<{url}>; rel="next"'
        return web.json_response({"orders": page}, headers=headers)

    async def _webhooks(self, request: web.Request) -> web.Response:
        return web.json_response({"webhooks": self.store(request.match_info["shop"]).subscriptions})

    async def _subscribe(self, request: web.Request) -> web.Response:
        webhook = (await request.json()).get("webhook", {})
        store = self.store(request.match_info["shop"])
        if any(
            (s["topic"], s["address"]) == (webhook.get("topic"), webhook.get("address"))
            for s in store.subscriptions
        ):
            return web.json_response(
                {"errors": {"address": ["for this topic has already been taken"]}}, status=422
            )
        created = {"id": 9_000_000 + len(store.subscriptions), **webhook}
        store.subscriptions.append(created)
        return web.json_response({"webhook": created}, status=201)

    async def _sell(self, request: web.Request) -> web.Response:
        """Not Shopify's: the POS rings up a paid sale (`{"title", "price", "quantity"}`), and
        Shopify delivers `orders/paid` to the shop's subscriptions."""
        shop, sale = request.match_info["shop"], await request.json()
        store = self.store(shop)
        order_id = 1001 + len(store.orders)
        line = make_line(order_id * 10, str(sale["title"]), str(sale["price"]),
                         quantity=int(sale.get("quantity", 1)))  # fmt: skip
        stamp = self.now().isoformat(timespec="seconds")
        order = make_order(order_id, [line], processed_at=stamp)
        self.add_order(order, shop)
        delivered = await self.push("orders/paid", order, shop)
        return web.json_response({"order_id": order_id, "delivered": delivered})


def _matches(order: Json, filters: dict[str, str]) -> bool:
    updated = _instant(order["updated_at"])
    if "updated_at_min" in filters and updated < _instant(filters["updated_at_min"]):
        return False
    if "updated_at_max" in filters and updated > _instant(filters["updated_at_max"]):
        return False
    return filters.get("status", "open") == "any" or order.get("cancelled_at") is None


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _errors(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"errors": message}, status=status, headers=headers)


def _oauth_error(error: str, description: str) -> web.Response:
    return web.json_response({"error": error, "error_description": description}, status=400)


async def _serve_alone(port: int) -> None:
    async with FakeShopify(port=port) as fake:
        root = fake.base_url.removesuffix("/{shop}")
        print(f"fake Shopify on {root}, shop {SHOP}; Ctrl-C stops it. For barback:")
        print(f"  export SHOPIFY_CLIENT_ID={fake.client_id} SHOPIFY_CLIENT_SECRET="
              f"{fake.client_secret} SHOPIFY_BASE_URL='{fake.base_url}'")  # fmt: skip
        print("Ring up a sale once the shop is connected:")
        sale = """'{"title": "Tito\\u0027s Shot", "price": "8.00", "quantity": 2}'"""
        print(f"  curl -s -X POST {root}/{SHOP}/_fake/sales -d {sale}")
        await asyncio.Event().wait()


if __name__ == "__main__":
    import argparse
    import contextlib

    parser = argparse.ArgumentParser(description="A fake Shopify on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_alone(parser.parse_args().port))
