"""`GET /connect/clover?venue=<slug>&token=..` and `GET /connect/clover/callback`: Clover's v2 OAuth
code flow, binding a merchant to a venue.

1. `/connect/clover?venue=downtown&token=..`: the link `connect clover` answers
   (`engine.connect_links`): whoever approves Clover's page binds their merchant to the venue, so a
   link without a token, signed for another venue or POS, or expired (30 minutes) is a 403. Unknown
   venue: 404. Otherwise a signed, expiring `state` whose nonce is remembered with the venue
   (`oauth_states`), and a 302 to Clover's authorize page.
2. `/connect/clover/callback?code=..&merchant_id=..&client_id=..&state=..`: a state barback did not
   sign or that expired is a 400, one already used too (marked used in one UPDATE before the code
   is exchanged, so a replayed callback cannot exchange twice). The code is exchanged for the
   expiring token pair; the merchant id Clover put in the redirect is then checked by reading that
   merchant with the new token (the query string is the browser's to change, the token is not), and
   the connection (tokens encrypted by storage) binds the merchant to the venue.

Dependencies arrive in `app[clover_connect_key]` (set when Clover is configured; absent: 404).
Codes, tokens and states are never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from engine.connections import ConnectionRepository, OAuthStateRepository, PosConnection
from integrations.clover import limits
from integrations.clover.client import CloverClient
from integrations.clover.normalize import PROVIDER
from integrations.clover.oauth import authorize_url, encode_state, issue_state, verify_state
from integrations.connect_pages import linked_venue, page
from integrations.errors import NotConnected, StateInvalid, UpstreamRejected, UpstreamUnavailable

logger = logging.getLogger(__name__)

CALLBACK_PATH = "/connect/clover/callback"
NOT_CONNECTED = "Clover was not connected"


@dataclass(frozen=True, slots=True)
class CloverConnectDoors:
    client: CloverClient
    client_id: str
    client_secret: str
    state_key: bytes
    """Signs the OAuth `state` and, through `engine.connect_links`, checks the connect link."""
    redirect_uri: str
    venue_id: Callable[[str], Awaitable[int | None]]
    states: OAuthStateRepository
    connections: ConnectionRepository
    now: Callable[[], datetime]


clover_connect_key = web.AppKey("clover_connect_doors", CloverConnectDoors)


def clover_connect_routes() -> list[web.RouteDef]:
    return [web.get("/connect/clover", connect), web.get(CALLBACK_PATH, callback)]


def _doors(request: web.Request) -> CloverConnectDoors:
    doors = request.app.get(clover_connect_key)
    if doors is None:
        raise web.HTTPNotFound(text="Clover is not configured")
    return doors


async def connect(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    now = doors.now()
    linked = await linked_venue(request, PROVIDER, doors.state_key, doors.venue_id, now)
    if isinstance(linked, web.Response):
        return linked
    venue_id = linked.venue_id
    state = issue_state(now)
    await doors.states.add(state.nonce, PROVIDER, venue_id, now)
    url = authorize_url(
        doors.client.base_url,
        doors.client_id,
        encode_state(doors.state_key, state),
        doors.redirect_uri,
    )
    raise web.HTTPFound(url)


async def callback(request: web.Request) -> web.StreamResponse:
    doors = _doors(request)
    now = doors.now()
    query = request.query
    if "error" in query:
        reason = query.get("error_description") or query["error"]
        return page(400, NOT_CONNECTED, f"Clover said: {reason[:200]}.")
    try:
        state = verify_state(doors.state_key, query.get("state", ""), now)
    except StateInvalid as refused:
        logger.warning("Clover connect refused: %s", refused.reason)
        return page(400, NOT_CONNECTED, f"{refused.reason}.")
    venue_id = await doors.states.use(state.nonce, PROVIDER, now)
    if venue_id is None:
        logger.warning("Clover connect refused: the state was already used")
        return page(400, NOT_CONNECTED, "This link was already used; start again.")
    code = query.get("code", "")
    merchant_id = query.get("merchant_id", "")
    if not code or len(code) > 512:
        return page(400, NOT_CONNECTED, "Clover sent no authorization code.")
    if not limits.ID_PATTERN.match(merchant_id):
        return page(400, NOT_CONNECTED, "Clover sent no merchant id.")
    if query.get("client_id", doors.client_id) != doors.client_id:
        return page(400, NOT_CONNECTED, "The authorization is for another Clover app.")
    try:
        token = await doors.client.obtain_token(code, doors.client_id, doors.client_secret)
    except (NotConnected, UpstreamRejected) as refused:
        logger.warning("Clover connect: the code was refused (%s)", type(refused).__name__)
        return page(400, NOT_CONNECTED, "Clover refused the authorization.")
    except UpstreamUnavailable:
        return page(503, NOT_CONNECTED, "Clover did not answer; try again soon.")
    try:
        merchant = await doors.client.merchant(token.access_token, merchant_id)
    except (NotConnected, UpstreamRejected):
        logger.warning("Clover connect: the token is not for merchant %s", merchant_id)
        return page(400, NOT_CONNECTED, f"The authorization is not for merchant {merchant_id}.")
    except UpstreamUnavailable:
        return page(503, NOT_CONNECTED, "Clover did not answer; try again soon.")
    await doors.connections.save(
        PosConnection(
            venue_id=venue_id,
            provider=PROVIDER,
            merchant_id=merchant.id,
            location_ids=(),
            access_token=token.access_token,
            refresh_token=token.refresh_token,
            expires_at=token.access_expires_at,
        ),
        now,
    )
    logger.info("Clover connected", extra={"venue_id": venue_id, "merchant": merchant.id})
    shown = f"{merchant.name} ({merchant.id})" if merchant.name else merchant.id
    return page(200, "Clover connected", f"Clover merchant {shown} now books into this venue.")
