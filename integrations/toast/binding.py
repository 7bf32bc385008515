"""`connect toast <restaurant guid>`: bind a Toast restaurant to a venue.

Toast has no per-restaurant consent page: a restaurant gives barback's partner account access in
Toast's integrations marketplace, and from then on the machine client reads it. So binding checks
with Toast (`GET /partners/v1/restaurants`) that the restaurant is among those barback may read,
then stores the binding (`pos_connections`, no token: the machine client's serves every
restaurant). A restaurant already bound to another venue is refused rather than moved: its sales
would silently start booking elsewhere.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from engine.connections import BoundAccount, ConnectionRepository, PosConnection
from engine.errors import Conflict, InvalidInput, NotAllowed, Unavailable
from engine.venue import Venue
from integrations.client_credentials import ClientCredentialsTokens
from integrations.errors import NotConnected, UpstreamRejected, UpstreamUnavailable
from integrations.toast.client import ToastClient
from integrations.toast.normalize import PROVIDER

MARKETPLACE_HINT = "add barback to the restaurant in Toast Web (Integrations), then try again"


class ToastBinder:
    def __init__(
        self,
        client: ToastClient,
        tokens: ClientCredentialsTokens,
        connections: ConnectionRepository,
    ) -> None:
        self._client = client
        self._tokens = tokens
        self._connections = connections

    async def bind(self, venue: Venue, account: str, now: datetime) -> BoundAccount:
        guid = restaurant_guid(account)
        current = await self._connections.get(PROVIDER, guid)
        if current is not None and current.venue_id != venue.id:
            raise Conflict(
                f"Toast restaurant {guid} already books into another venue",
                hint="a restaurant books into one venue; ask that venue's managers",
            )
        try:
            restaurants = await self._client.restaurants(await self._tokens.token())
        except NotConnected:
            self._tokens.forget()
            raise NotAllowed(
                "Toast refused barback's client credentials",
                hint="check TOAST_CLIENT_ID and TOAST_CLIENT_SECRET",
            ) from None
        except (UpstreamUnavailable, UpstreamRejected):
            raise Unavailable("Toast did not answer", hint="try again in a minute") from None
        found = next((r for r in restaurants if r.guid.lower() == guid and not r.deleted), None)
        if found is None:
            raise NotAllowed(
                f"Toast restaurant {guid} has not given barback access", hint=MARKETPLACE_HINT
            )
        name = f"{found.name} ({found.location})" if found.location else found.name
        if current is None:
            await self._connections.save(
                PosConnection(venue.id, PROVIDER, guid, (), "", None, None), now
            )
        return BoundAccount(PROVIDER, guid, name, already=current is not None)


def restaurant_guid(text: str) -> str:
    """A restaurant GUID as Toast writes it (lower case, hyphenated); else `InvalidInput`."""
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a Toast restaurant GUID",
            hint="connect toast <restaurant guid>, e.g. 0cd990c9-fd74-461d-8468-de2a0919ccbb",
        ) from None
