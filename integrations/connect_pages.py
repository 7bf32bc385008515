"""The pages of a POS's consent flow that every POS shares: a short HTML answer for the manager's
browser, and the first step of `/connect/<pos>`, which checks the signed link `connect <pos>`
printed (`engine.connect_links`) and finds its venue before anything is stored.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from engine.connect_links import verify_connect_token
from engine.errors import NotAllowed

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LinkedVenue:
    slug: str
    venue_id: int
    token: str


def page(status: int, title: str, text: str) -> web.Response:
    return html_page(status, title, f"<p>{html.escape(text)}</p>")


def html_page(status: int, title: str, body: str) -> web.Response:
    """A page of `body` (HTML, escaped by the caller) under `title`."""
    document = (
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return web.Response(status=status, text=document, content_type="text/html")


async def linked_venue(
    request: web.Request,
    provider: str,
    state_key: bytes,
    venue_id: Callable[[str], Awaitable[int | None]],
    now: datetime,
) -> LinkedVenue | web.Response:
    """The venue a connect link was signed for, or the page that refuses it: no venue named
    (400), a link not signed by this barback or expired (403), an unknown venue (404)."""
    name = provider.capitalize()
    slug = request.query.get("venue", "").strip()
    if not slug:
        return page(400, f"Connect {name}", f"Run connect {provider} in barback for a link.")
    token = request.query.get("token")
    try:
        verify_connect_token(state_key, provider, slug, token, now)
    except NotAllowed as refused:
        logger.warning("%s connect link refused: %s", name, refused.message, extra={"venue": slug})
        return page(403, f"{name} was not connected", f"{refused}.")
    found = await venue_id(slug)
    if found is None:
        return page(404, f"Connect {name}", f"There is no venue {slug!r}.")
    return LinkedVenue(slug, found, token or "")
