"""`GET /connect/square?venue=<slug>&token=..` and `GET /connect/square/callback`: Square's OAuth
code flow.

1. `/connect/square?venue=downtown&token=..`: the link the `connect square` command answers
   (`engine.connect_links`). Whoever approves the consent page binds their merchant to the venue,
   so a link without a token, with one barback did not sign for this venue, or expired (30
   minutes) is a 403 with a short reason. Then: unknown venue 404; otherwise a signed, expiring
   `state` (`oauth.issue_state`) whose nonce is remembered (`oauth_states`), and a 302 to
   Square's consent page.
2. `/connect/square/callback?code=..&state=..`: a state barback did not sign, or that expired, is a
   400; one already used is a 400 too (the nonce is marked used in one UPDATE, before the code is
   exchanged, so a replayed callback cannot exchange twice). The code is exchanged for tokens,
   the merchant's active locations are read, and the connection (tokens encrypted by storage) binds
   the merchant and its locations to the venue. The answer is a small HTML page.

Dependencies arrive in `app[connect_doors_key]` (set by the composition root when Square's OAuth is
configured; absent: 404). Codes, tokens and states are never logged.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from engine.connections import ConnectionRepository, OAuthStateRepository, PosConnection
from integrations.connect_pages import linked_venue, page
from integrations.errors import NotConnected, StateInvalid, UpstreamRejected, UpstreamUnavailable
from integrations.square.client import SquareClient
from integrations.square.normalize import PROVIDER
from integrations.square.oauth import authorize_url, issue_state, verify_state

logger = logging.getLogger(__name__)

CALLBACK_PATH = "/connect/square/callback"


@dataclass(frozen=True, slots=True)
class ConnectDoors:
    client: SquareClient
    base_url: str
    client_id: str
    client_secret: str
    state_key: bytes
    """Signs the OAuth `state` and, through `engine.connect_links`, checks the connect link."""
    redirect_uri: str
    venue_id: Callable[[str], Awaitable[int | None]]
    states: OAuthStateRepository
    connections: ConnectionRepository
    now: Callable[[], datetime]
    on_connected: Callable[[str], Awaitable[None]] | None = None
    """Called with the merchant id once a merchant is connected (the menu is read then)."""


connect_doors_key = web.AppKey("square_connect_doors", ConnectDoors)


def connect_routes() -> list[web.RouteDef]:
    return [web.get("/connect/square", connect), web.get(CALLBACK_PATH, callback)]


def _doors(request: web.Request) -> ConnectDoors:
    doors = request.app.get(connect_doors_key)
    if doors is None:
        raise web.HTTPNotFound(text="Square is not configured")
    return doors


async def connect(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    now = doors.now()
    linked = await linked_venue(request, PROVIDER, doors.state_key, doors.venue_id, now)
    if isinstance(linked, web.Response):
        return linked
    slug, venue_id = linked.slug, linked.venue_id
    nonce = secrets.token_urlsafe(16)
    state = issue_state(doors.state_key, slug, now, nonce=nonce)
    await doors.states.add(nonce, PROVIDER, venue_id, now)
    url = authorize_url(doors.base_url, doors.client_id, state, redirect_uri=doors.redirect_uri)
    raise web.HTTPFound(url)


async def callback(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    now = doors.now()
    if "error" in request.query:
        reason = request.query.get("error_description") or request.query["error"]
        return page(400, "Square was not connected", f"Square said: {reason}.")
    try:
        state = verify_state(doors.state_key, request.query.get("state", ""), now)
    except StateInvalid as refused:
        logger.warning("Square connect refused: %s", refused.reason)
        return page(400, "Square was not connected", f"{refused.reason}.")
    venue_id = await doors.states.use(state.nonce, PROVIDER, now)
    if venue_id is None:
        logger.warning("Square connect refused: the state was already used")
        return page(400, "Square was not connected", "This link was already used; start again.")
    code = request.query.get("code", "")
    if not code:
        return page(400, "Square was not connected", "Square sent no authorization code.")
    try:
        token = await doors.client.obtain_token(
            code, doors.client_id, doors.client_secret, doors.redirect_uri
        )
        locations = await doors.client.list_locations(token.access_token)
    except (NotConnected, UpstreamRejected) as refused:
        logger.warning("Square connect: the code was refused (%s)", type(refused).__name__)
        return page(400, "Square was not connected", "Square refused the authorization.")
    except UpstreamUnavailable:
        return page(503, "Square was not connected", "Square did not answer; try again soon.")
    active = tuple(loc.id for loc in locations if loc.status == "ACTIVE")
    await doors.connections.save(
        PosConnection(
            venue_id=venue_id,
            provider=PROVIDER,
            merchant_id=token.merchant_id,
            location_ids=active,
            access_token=token.access_token,
            refresh_token=token.refresh_token,
            expires_at=token.expires_at,
        ),
        now,
    )
    logger.info("Square connected", extra={"venue": state.venue, "merchant": token.merchant_id})
    if doors.on_connected is not None:
        await doors.on_connected(token.merchant_id)
    return page(
        200,
        "Square connected",
        f"Square merchant {token.merchant_id} ({len(active)} locations) now books into "
        f"{state.venue}.",
    )
