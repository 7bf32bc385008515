"""`ToastReader`: the worker's `EventReader` for stored Toast messages.

- An order message books into the venue its restaurant is bound to (read when the event is
  processed, so a message stored before `connect toast` books once it is replayed), in that
  venue's currency (Toast's orders carry none). No binding: `Skip`, with the way out.
- `partner_removed`: the restaurant took barback's access back; its binding is removed, so
  nothing more books into the venue from it (and reconciliation stops polling it).
- `partner_added` / `partner_updated`: nothing to book; the reason says how to bind it.
- Anything else: `Skip`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from engine.connections import ConnectionRepository
from engine.inbox import StoredEvent
from integrations.processing import Read
from integrations.provider import Skip
from integrations.toast.client import RESTAURANT_HEADER
from integrations.toast.envelope import PARTNER_ADDED, PARTNER_REMOVED, Envelope, parse
from integrations.toast.normalize import PROVIDER, normalize_order

logger = logging.getLogger(__name__)


class ToastReader:
    def __init__(
        self,
        connections: ConnectionRepository,
        venue_currency: Callable[[int], Awaitable[str]],
    ) -> None:
        self._connections = connections
        self._currency = venue_currency

    async def read(self, event: StoredEvent) -> Read | Skip:
        header = next(
            (v for k, v in event.headers.items() if k.lower() == RESTAURANT_HEADER.lower()), None
        )
        envelope = parse(event.body, restaurant_header=header)
        if envelope.is_partner:
            return await self._partner(envelope)
        if not envelope.is_order or envelope.order is None or envelope.restaurant_guid is None:
            return Skip(f"Toast {envelope.type} messages do not change inventory")
        restaurant = envelope.restaurant_guid
        connection = await self._connections.get(PROVIDER, restaurant)
        if connection is None:
            return Skip(
                f"Toast restaurant {restaurant} is not connected to a venue "
                f"(connect toast {restaurant}, then `barback events replay {event.id}`)"
            )
        currency = await self._currency(connection.venue_id)
        result = normalize_order(envelope.order, currency)
        if isinstance(result, Skip):
            return result
        return Read(connection.venue_id, result.booked)

    async def _partner(self, envelope: Envelope) -> Skip:
        guid = envelope.restaurant_guid or ""
        name = f"{envelope.restaurant_name} ({guid})" if envelope.restaurant_name else guid
        if envelope.type == PARTNER_REMOVED:
            venue_id = await self._connections.remove(PROVIDER, guid)
            if venue_id is None:
                return Skip(f"Toast restaurant {name} removed barback; it was not connected")
            logger.info("Toast restaurant unbound", extra={"venue": venue_id, "merchant": guid})
            return Skip(f"Toast restaurant {name} removed barback: unbound from its venue")
        if envelope.type == PARTNER_ADDED:
            # The command first: `barback events` shortens long reasons.
            return Skip(f"connect toast {guid} binds it: Toast restaurant {name} gave access")
        return Skip(f"Toast restaurant {name} changed its settings for barback")
