"""`GET /connect/shopify` and `GET /connect/shopify/callback`: Shopify's OAuth install flow.

1. `/connect/shopify?venue=<slug>&token=..`: the link `connect shopify` answers
   (`engine.connect_links`). A link barback did not sign for this venue, or an expired one, is a
   403 with a short reason; an unknown venue a 404. Shopify's consent page lives on the shop's own
   host, so the first visit answers a small form asking which shop (`your-bar`,
   `your-bar.myshopify.com` or the admin's URL); with `&shop=..` the shop is checked
   (`*.myshopify.com` only), a signed, expiring `state` binding venue, shop and a nonce is
   issued (the nonce remembered in `oauth_states`), and the answer is a 302 to the shop's
   `/admin/oauth/authorize`.
   Opened by Shopify itself (the app URL, on install from the Shopify admin) it carries
   `hmac`, `shop` and `timestamp` and no venue: the `hmac` is checked and the page says how to
   bind the shop to a venue.
2. `/connect/shopify/callback?code=..&hmac=..&shop=..&state=..&timestamp=..`: refused (400, a
   short reason, nothing exchanged) unless the `hmac` signs the query with the client secret, the
   `timestamp` is recent, `shop` is a shop domain and the very shop the state was issued for, and
   the state is barback's, unexpired and unused (its nonce is marked used in one UPDATE before
   the code is exchanged, so a replayed callback cannot exchange twice). Then the code is
   exchanged for an offline token, the shop's active locations are read, the connection (tokens
   encrypted by storage) binds the shop and those locations to the venue, and the shop is
   subscribed to `orders/paid`, `orders/updated` and `refunds/create` at
   `PUBLIC_URL/webhooks/shopify` (best effort: reconciliation books without them).

Dependencies arrive in `app[connect_doors_key]` (set by the composition root when Shopify is
configured; absent: 404). Codes, tokens, states and hmacs are never logged.
"""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from engine.connections import ConnectionRepository, OAuthStateRepository, PosConnection
from integrations.connect_pages import html_page, linked_venue, page
from integrations.errors import (
    NotConnected,
    SignatureInvalid,
    StateInvalid,
    UpstreamRejected,
    UpstreamUnavailable,
)
from integrations.shopify.accounts import Location
from integrations.shopify.client import ShopifyClient
from integrations.shopify.oauth import authorize_url, check_timestamp, issue_state, verify_state
from integrations.shopify.refunds import PROVIDER
from integrations.shopify.shops import ShopInvalid, admin_base, shop_domain, typed_shop
from integrations.shopify.verify import verify_query

logger = logging.getLogger(__name__)

CONNECT_PATH = "/connect/shopify"
CALLBACK_PATH = "/connect/shopify/callback"
WEBHOOK_PATH = "/webhooks/shopify"
WEBHOOK_TOPICS = ("orders/paid", "orders/updated", "refunds/create")
_FAILED = "Shopify was not connected"


@dataclass(frozen=True, slots=True)
class ConnectDoors:
    client: ShopifyClient
    client_id: str
    client_secret: str
    state_key: bytes
    """Signs the OAuth `state` and, through `engine.connect_links`, checks the connect link."""
    redirect_uri: str
    webhook_address: str
    venue_id: Callable[[str], Awaitable[int | None]]
    states: OAuthStateRepository
    connections: ConnectionRepository
    now: Callable[[], datetime]


connect_doors_key = web.AppKey("shopify_connect_doors", ConnectDoors)


def connect_routes() -> list[web.RouteDef]:
    return [web.get(CONNECT_PATH, connect), web.get(CALLBACK_PATH, callback)]


def _doors(request: web.Request) -> ConnectDoors:
    doors = request.app.get(connect_doors_key)
    if doors is None:
        raise web.HTTPNotFound(text="Shopify is not configured")
    return doors


async def connect(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    query = request.query
    if not query.get("venue", "").strip() and "hmac" in query:
        return await _opened_by_shopify(request, doors)
    now = doors.now()
    linked = await linked_venue(request, PROVIDER, doors.state_key, doors.venue_id, now)
    if isinstance(linked, web.Response):
        return linked
    slug, venue_id, token = linked.slug, linked.venue_id, linked.token
    if not query.get("shop", "").strip():
        return _form(200, slug, token, None)
    try:
        shop = typed_shop(query.get("shop"))
    except ShopInvalid as bad:
        return _form(400, slug, token, f"{bad}.")
    nonce = secrets.token_urlsafe(16)
    state = issue_state(doors.state_key, slug, shop, now, nonce=nonce)
    await doors.states.add(nonce, PROVIDER, venue_id, now)
    base = admin_base(doors.client.base_url, shop)
    raise web.HTTPFound(authorize_url(base, doors.client_id, state, doors.redirect_uri))


async def callback(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    now = doors.now()
    query = request.query
    try:
        verify_query(doors.client_secret, list(query.items()))
        check_timestamp(query.get("timestamp"), now)
        shop = shop_domain(query.get("shop"))
        state = verify_state(doors.state_key, query.get("state", ""), now)
    except (SignatureInvalid, ShopInvalid, StateInvalid) as refused:
        logger.warning("Shopify connect refused: %s", refused)
        return page(400, _FAILED, f"{refused}.")
    if state.shop != shop:
        logger.warning("Shopify connect refused: the callback is for another shop")
        return page(400, _FAILED, f"This authorization is for {shop}, not {state.shop}.")
    venue_id = await doors.states.use(state.nonce, PROVIDER, now)
    if venue_id is None:
        logger.warning("Shopify connect refused: the state was already used")
        return page(400, _FAILED, "This link was already used; start again.")
    code = query.get("code", "")
    if not code:
        return page(400, _FAILED, "Shopify sent no authorization code.")
    try:
        token = await doors.client.exchange_code(
            shop, doors.client_id, doors.client_secret, code, now
        )
        locations = await doors.client.locations(shop, token.access_token)
    except (NotConnected, UpstreamRejected) as refused:
        logger.warning("Shopify connect: the code was refused (%s)", type(refused).__name__)
        return page(400, _FAILED, "Shopify refused the authorization.")
    except UpstreamUnavailable:
        return page(503, _FAILED, "Shopify did not answer; try again soon.")
    active = [location for location in locations if location.active]
    await doors.connections.save(
        PosConnection(
            venue_id=venue_id,
            provider=PROVIDER,
            merchant_id=shop,
            location_ids=tuple(location.id for location in active),
            access_token=token.access_token,
            refresh_token=token.refresh_token,
            expires_at=token.expires_at,
        ),
        now,
    )
    logger.info("Shopify connected", extra={"venue": state.venue, "shop": shop})
    subscribed = await _subscribe(doors, shop, token.access_token)
    return page(200, "Shopify connected", _connected(shop, active, state.venue, subscribed))


async def _opened_by_shopify(request: web.Request, doors: ConnectDoors) -> web.Response:
    """The app URL as Shopify opens it after an install from the Shopify admin."""
    try:
        verify_query(doors.client_secret, list(request.query.items()))
        check_timestamp(request.query.get("timestamp"), doors.now())
        shop = shop_domain(request.query.get("shop"))
    except (SignatureInvalid, ShopInvalid) as refused:
        return page(400, "Connect Shopify", f"{refused}.")
    connection = await doors.connections.get(PROVIDER, shop)
    if connection is not None:
        return page(200, "Shopify connected", f"{shop} books its POS sales into barback.")
    return page(
        200,
        "Connect Shopify",
        f"To book {shop}'s POS sales, a manager runs connect shopify in barback for the venue "
        "and opens the link it gives.",
    )


async def _subscribe(doors: ConnectDoors, shop: str, token: str) -> str | None:
    """Subscribe the shop to the topics barback books; None when done, else why not."""
    try:
        existing = {
            (sub.topic, sub.address) for sub in await doors.client.subscriptions(shop, token)
        }
        for topic in WEBHOOK_TOPICS:
            if (topic, doors.webhook_address) not in existing:
                await doors.client.subscribe(shop, token, topic, doors.webhook_address)
    except (NotConnected, UpstreamRejected, UpstreamUnavailable) as error:
        logger.warning("Shopify webhooks not subscribed: %s", error, extra={"shop": shop})
        return "Shopify refused the webhook subscriptions"
    return None


def _connected(shop: str, locations: list[Location], venue: str, problem: str | None) -> str:
    names = ", ".join(location.name or location.id for location in locations) or "none"
    text = f"{shop} (locations: {names}) now books its POS sales into {venue}."
    if problem is not None:
        text += (
            f" {problem}; barback still finds new orders every five minutes. Connect again to "
            "retry."
        )
    return text


def _form(status: int, venue: str, token: str, problem: str | None) -> web.Response:
    error = "" if problem is None else f"<p><strong>{html.escape(problem)}</strong></p>"
    body = (
        f"<p>Which Shopify shop sells at {html.escape(venue)}?</p>{error}"
        f'<form method="get" action="{CONNECT_PATH}">'
        f'<input type="hidden" name="venue" value="{html.escape(venue)}">'
        f'<input type="hidden" name="token" value="{html.escape(token)}">'
        '<label>Shop <input name="shop" placeholder="your-bar.myshopify.com" required></label> '
        "<button>Continue to Shopify</button></form>"
    )
    return html_page(status, "Connect Shopify", body)
