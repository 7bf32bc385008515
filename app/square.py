"""Square's parts, built when Square is configured: the provider, the worker's reader, the token
source, the connections repository, and the HTTP session they share (closed by `close`).

Configured means `SQUARE_WEBHOOK_SIGNATURE_KEY` and `SQUARE_WEBHOOK_URL` (the webhook door) and a
secret key (tokens are stored encrypted). OAuth needs `SQUARE_APPLICATION_ID`/`_SECRET` too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from cryptography.fernet import Fernet

from app.config import PosSettings, Settings
from app.processing import order_booker
from app.service_metrics import ServiceMetrics
from engine.usecases.connections import revoked_by_pos
from integrations.api_calls import ApiObserver
from integrations.polling import Reconciler
from integrations.square.client import PRODUCTION_URL, SquareClient
from integrations.square.menu_requests import SquareMenuRequests
from integrations.square.provider import SquareProvider
from integrations.square.reader import SquareReader
from integrations.square.reconcile import square_reconciler
from integrations.square.tokens import SquareTokens
from storage.connections import SqlConnections
from storage.database import Database
from storage.inbox_batch import DirectSink
from storage.job_runs import SqlJobRuns

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SquareParts:
    settings: PosSettings
    session: aiohttp.ClientSession
    client: SquareClient
    connections: SqlConnections
    tokens: SquareTokens
    provider: SquareProvider
    reader: SquareReader

    @property
    def client_base_url(self) -> str:
        return self.settings.base_url or PRODUCTION_URL

    async def merchant_venue(self, merchant_id: str) -> int | None:
        connection = await self.connections.get("square", merchant_id)
        return None if connection is None else connection.venue_id

    def menu_requests(self, database: Database, now: Callable[[], datetime]) -> SquareMenuRequests:
        """Menu reads: when a merchant connects, and daily (a job of every serve/worker)."""
        return SquareMenuRequests(self.connections, DirectSink(database.engine), now)

    def jobs(
        self, database: Database, now: Callable[[], datetime]
    ) -> list[Callable[[], Awaitable[object]]]:
        """The scheduled jobs: reconciliation, and the daily menu request."""
        return [self.reconciler(database, now).run, self.menu_requests(database, now).run]

    def reconciler(self, database: Database, now: Callable[[], datetime]) -> Reconciler:
        """Every serve/worker process ticks it; `job_runs` lets one of them run each slot."""
        return square_reconciler(
            self.client,
            self.tokens,
            self.connections,
            order_booker(database, now),
            now,
            runs=SqlJobRuns(database.engine),
            on_revoked=revocation(database, now),
        )

    async def close(self) -> None:
        await self.session.close()


def revocation(
    database: Database, now: Callable[[], datetime]
) -> Callable[[str, str], Awaitable[int | None]]:
    """Ends a Square merchant's connection, alerting its venue (engine/usecases/connections.py);
    the venue's id, or None when the merchant was connected to none."""

    class Now:
        def now(self) -> datetime:
            return now()

    async def revoked(merchant_id: str, reason: str) -> int | None:
        venue = await revoked_by_pos(
            database.unit_of_work, Now(), provider="square", account=merchant_id, reason=reason
        )
        if venue is not None:
            logger.warning(
                "Square access revoked: barback no longer reads merchant %s for %s (%s)",
                merchant_id,
                venue.slug,
                reason,
            )
        return None if venue is None else venue.id

    return revoked


def square_configured(settings: Settings) -> bool:
    square = settings.pos.get("square")
    return bool(
        square is not None
        and square.webhook_secret is not None
        and square.webhook_url is not None
        and settings.secret_key is not None
    )


async def open_square(
    settings: Settings,
    database: Database,
    now: Callable[[], datetime],
    *,
    metrics: ServiceMetrics | None = None,
    observer: ApiObserver | None = None,
) -> SquareParts | None:
    """Square's parts, or None (said once in the log) when it is not configured. `metrics`
    counts the calls to Square's API (`barback_pos_api_requests_total{provider="square"}`)."""
    square = settings.pos.get("square")
    if square is None or not square_configured(settings):
        if square is not None and square.configured:
            logger.warning("Square is off: it needs SQUARE_WEBHOOK_URL and a secret key too")
        return None
    assert square.webhook_secret is not None and square.webhook_url is not None
    assert settings.secret_key is not None
    traces = [] if metrics is None else [metrics.pos_trace("square")]
    session = aiohttp.ClientSession(trace_configs=traces)
    client = SquareClient(session, square.base_url or PRODUCTION_URL, observer=observer)
    connections = SqlConnections(database.engine, Fernet(settings.secret_key.reveal()))
    secret = None if square.client_secret is None else square.client_secret.reveal()
    tokens = SquareTokens(connections, client, square.client_id, secret, now)
    provider = SquareProvider(
        signature_key=square.webhook_secret.reveal(),
        notification_url=square.webhook_url,
        client=client,
        tokens=tokens,
    )
    reader = SquareReader(provider, connections, on_revoked=revocation(database, now))
    return SquareParts(square, session, client, connections, tokens, provider, reader)
