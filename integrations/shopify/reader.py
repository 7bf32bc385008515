"""`ShopifyReader`: the worker's `EventReader` for stored Shopify webhooks.

The venue comes from the shop's connection, read when the event is processed (so an event stored
before the shop connected books once it is replayed). No connection: `Skip`, with the reason and
the way out. Otherwise `ShopifyProvider.fetch` normalises the delivered order (fetching it for a
refund, with no database transaction open meanwhile) and `for_connection` keeps to the venue's
locations.
"""

from __future__ import annotations

from engine.connections import ConnectionRepository
from engine.inbox import StoredEvent
from integrations.processing import Read
from integrations.provider import Delivery, Skip
from integrations.shopify.envelope import parse
from integrations.shopify.provider import ShopifyProvider, for_connection
from integrations.shopify.refunds import PROVIDER


class ShopifyReader:
    def __init__(self, provider: ShopifyProvider, connections: ConnectionRepository) -> None:
        self._provider = provider
        self._connections = connections

    async def read(self, event: StoredEvent) -> Read | Skip:
        delivery = Delivery(event.body, event.headers)
        envelope = parse(delivery.header, event.body)
        connection = await self._connections.get(PROVIDER, envelope.shop)
        if connection is None:
            return Skip(
                f"Shopify shop {envelope.shop} is not connected to a venue "
                f"(connect shopify, then `barback events replay {event.id}`)"
            )
        result = await self._provider.fetch(envelope, event.body)
        if isinstance(result, Skip):
            return result
        booked = for_connection(result, connection)
        if isinstance(booked, Skip):
            return booked
        return Read(connection.venue_id, booked)
