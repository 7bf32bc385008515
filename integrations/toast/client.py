"""Toast's REST API, read-only, through the shared `PosApi` (an injected aiohttp session; the base
URL is `TOAST_BASE_URL`: Toast's production or sandbox host, or a local fake).

- `login`: `POST /authentication/v1/authentication/login` with the machine client's id and
  secret (`userAccessType: TOAST_MACHINE_CLIENT`): a bearer token for every restaurant that gave
  barback access, valid `expiresIn` seconds (Toast's authentication guide);
- `restaurants`: `GET /partners/v1/restaurants`, the restaurants barback may read;
- `order`: `GET /orders/v2/orders/{guid}`;
- `orders_bulk`: `GET /orders/v2/ordersBulk?startDate&endDate&pageSize&page`, the orders
  *modified* in [start, end), a page at a time (at most 100). Toast pages with `Link` headers
  (`rel="next"`); without them, a full page means there may be another.
Order calls name the restaurant in `Toast-Restaurant-External-ID`. Numbers are read as exact
decimals (`fields.decode`'s rule). Tokens and secrets travel in headers and bodies only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from integrations.api_calls import PosApi
from integrations.client_credentials import AccessToken
from integrations.errors import BadPayload
from integrations.toast import fields as f

PRODUCTION_URL = "https://ws-api.toasttab.com"
LOGIN_PATH = "/authentication/v1/authentication/login"
RESTAURANT_HEADER = "Toast-Restaurant-External-ID"
PAGE_SIZE = 100  # ordersBulk's maximum
_NEXT = re.compile(r'<([^>]*)>\s*;\s*rel="?next"?')


@dataclass(frozen=True, slots=True)
class Restaurant:
    guid: str
    name: str
    location: str | None
    deleted: bool


@dataclass(frozen=True, slots=True)
class OrdersPage:
    orders: tuple[f.JsonObject, ...]
    next_page: int | None
    """The page to ask for next; None after the last."""


class ToastClient:
    def __init__(self, api: PosApi) -> None:
        self.api = api

    async def login(self, client_id: str, client_secret: str, now: datetime) -> AccessToken:
        body = {
            "clientId": client_id,
            "clientSecret": client_secret,
            "userAccessType": "TOAST_MACHINE_CLIENT",
        }
        answer = await self.api.call("POST", LOGIN_PATH, json_body=body)
        where = "login response"
        token = f.obj(f.as_object(answer.body, where), "token", where)
        seconds = f.number(token, "expiresIn", f"{where}.token")
        if seconds <= 0:
            raise BadPayload(f"{where}.token.expiresIn must be positive")
        return AccessToken(
            value=f.text(token, "accessToken", f"{where}.token"),
            expires_at=now + timedelta(seconds=float(seconds)),
        )

    async def restaurants(self, token: str) -> list[Restaurant]:
        answer = await self.api.call("GET", "/partners/v1/restaurants", headers=_bearer(token))
        if not isinstance(answer.body, list):
            raise BadPayload("the restaurants response must be an array")
        found = []
        for i, item in enumerate(answer.body):
            where = f"restaurants[{i}]"
            entry = f.as_object(item, where)
            found.append(
                Restaurant(
                    guid=f.text(entry, "restaurantGuid", where),
                    name=f.opt_text(entry, "restaurantName", where) or "",
                    location=f.opt_text(entry, "locationName", where),
                    deleted=f.flag(entry, "deleted", where),
                )
            )
        return found

    async def order(self, token: str, restaurant: str, guid: str) -> f.JsonObject:
        answer = await self.api.call(
            "GET",
            f"/orders/v2/orders/{guid}",
            headers={**_bearer(token), RESTAURANT_HEADER: restaurant},
            decimals=True,
        )
        self.api.observer.fetched(self.api.provider, 1)
        return f.as_object(answer.body, "order response")

    async def orders_bulk(
        self,
        token: str,
        restaurant: str,
        start: datetime,
        end: datetime,
        page: int = 1,
        *,
        page_size: int = PAGE_SIZE,
    ) -> OrdersPage:
        params = {
            "startDate": toast_time(start),
            "endDate": toast_time(end),
            "pageSize": str(page_size),
            "page": str(page),
        }
        answer = await self.api.call(
            "GET",
            "/orders/v2/ordersBulk",
            headers={**_bearer(token), RESTAURANT_HEADER: restaurant},
            params=params,
            decimals=True,
        )
        if not isinstance(answer.body, list):
            raise BadPayload("the ordersBulk response must be an array")
        orders = tuple(f.as_object(o, f"ordersBulk[{i}]") for i, o in enumerate(answer.body))
        self.api.observer.fetched(self.api.provider, len(orders))
        links = answer.headers.getall("Link", [])
        if links:
            return OrdersPage(orders, _next_page(links))
        return OrdersPage(orders, page + 1 if len(orders) >= page_size else None)


def toast_time(at: datetime) -> str:
    """`2024-05-24T02:14:05.902+0000`: ISO 8601 with milliseconds and an offset, as Toast wants."""
    if at.tzinfo is None:
        raise ValueError("Toast times must be timezone-aware")
    utc = at.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+0000"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _next_page(links: list[str]) -> int | None:
    for link in links:
        for match in _NEXT.finditer(link):
            pages = parse_qs(urlsplit(match.group(1)).query).get("page")
            if pages and pages[0].isdigit():
                return int(pages[0])
    return None
