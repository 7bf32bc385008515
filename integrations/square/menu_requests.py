"""Asking for a Square merchant's menu: when Square is connected, and daily after that.

A request is a stored event shaped like Square's own `catalog.version.updated` notification, so
it walks the same path (the inbox, the worker, `SquareReader` reading the whole catalog): durable,
retried with backoff when Square is down or rate limits, visible in `barback events`. Its dedupe
key is the merchant and the day (`barback-menu:<merchant>:<date>`), so however many processes
tick the daily job, one request a merchant a day is stored; a connection's request carries the
instant instead, so connecting again reads the menu again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from engine.connections import ConnectionRepository
from engine.inbox import EventSink, RawEvent
from integrations.square.normalize import PROVIDER
from integrations.square.provider import CATALOG_EVENT


def menu_request(merchant_id: str, key: str, now: datetime) -> RawEvent:
    """A stored event asking the worker to read the merchant's catalog."""
    at = now.astimezone(UTC).isoformat().replace("+00:00", "Z")
    event_id = f"barback-menu:{merchant_id}:{key}"[:255]
    body = {
        "merchant_id": merchant_id,
        "type": CATALOG_EVENT,
        "event_id": event_id,
        "created_at": at,
        "data": {"type": "catalog", "id": "", "object": {"catalog_version": {"updated_at": at}}},
    }
    return RawEvent(PROVIDER, event_id, None, now, {}, json.dumps(body).encode())


class SquareMenuRequests:
    """The daily job: one menu request per connected merchant per day (UTC)."""

    def __init__(
        self, connections: ConnectionRepository, sink: EventSink, now: Callable[[], datetime]
    ) -> None:
        self._connections = connections
        self._sink = sink
        self._now = now

    async def run(self) -> int:
        """Store today's requests; how many were new."""
        now = self._now()
        day = now.astimezone(UTC).date().isoformat()
        new = 0
        for connection in await self._connections.all(PROVIDER):
            stored = await self._sink.submit(menu_request(connection.merchant_id, day, now))
            new += not stored.duplicate
        return new

    async def connected(self, merchant_id: str) -> None:
        """A merchant just connected: read its menu now."""
        now = self._now()
        await self._sink.submit(menu_request(merchant_id, f"connected:{now.isoformat()}", now))
