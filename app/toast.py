"""Toast's parts, built when Toast is configured: the webhook door, the worker's reader, the
machine client's token, the restaurant bindings, reconciliation, and the HTTP session they share
(closed by `close`).

Configured means `TOAST_CLIENT_ID`, `TOAST_CLIENT_SECRET` (the machine client: reconciliation
and `connect toast`), `TOAST_WEBHOOK_SECRET` (the webhook door) and a secret key (the
connections table is encrypted). `TOAST_BASE_URL` defaults to Toast's production host.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from cryptography.fernet import Fernet

from app.config import PosSettings, Settings
from app.processing import order_booker
from engine.connections import BoundAccount
from engine.venue import Venue, VenueId
from integrations.api_calls import ApiObserver, PosApi
from integrations.client_credentials import AccessToken, ClientCredentialsTokens
from integrations.polling import Reconciler
from integrations.toast.binding import ToastBinder
from integrations.toast.client import PRODUCTION_URL, ToastClient
from integrations.toast.provider import ToastProvider
from integrations.toast.reader import ToastReader
from integrations.toast.reconcile import ToastPoller
from storage.connections import SqlConnections
from storage.database import Database
from storage.job_runs import SqlJobRuns

logger = logging.getLogger(__name__)

PROVIDER = "toast"
REQUIRED = ("TOAST_CLIENT_ID", "TOAST_CLIENT_SECRET", "TOAST_WEBHOOK_SECRET")


@dataclass(frozen=True, slots=True)
class ToastParts:
    settings: PosSettings
    session: aiohttp.ClientSession
    client: ToastClient
    tokens: ClientCredentialsTokens
    connections: SqlConnections
    provider: ToastProvider
    reader: ToastReader
    poller: ToastPoller
    binder: ToastBinder

    async def restaurant_venue(self, guid: str) -> int | None:
        connection = await self.connections.get(PROVIDER, guid)
        return None if connection is None else connection.venue_id

    def reconciler(
        self, database: Database, now: Callable[[], datetime], *, once_per_slot: bool = True
    ) -> Reconciler:
        """Every serve/worker process ticks it; `job_runs` lets one of them run each slot."""
        runs = SqlJobRuns(database.engine) if once_per_slot else None
        return Reconciler(
            self.poller, self.connections, order_booker(database, now), now, runs=runs
        )

    async def close(self) -> None:
        await self.session.close()


def missing_settings(settings: Settings) -> tuple[str, ...]:
    """The Toast settings still unset (empty: Toast is configured)."""
    toast = settings.pos[PROVIDER]
    values = (toast.client_id, toast.client_secret, toast.webhook_secret)
    return tuple(name for name, value in zip(REQUIRED, values, strict=True) if value is None)


def toast_client(
    settings: Settings, session: aiohttp.ClientSession, observer: ApiObserver | None = None
) -> ToastClient:
    base_url = settings.pos[PROVIDER].base_url or PRODUCTION_URL
    return ToastClient(PosApi(session, base_url, PROVIDER, observer=observer))


def machine_tokens(
    settings: Settings, client: ToastClient, now: Callable[[], datetime]
) -> ClientCredentialsTokens:
    toast = settings.pos[PROVIDER]
    assert toast.client_id is not None and toast.client_secret is not None
    client_id, secret = toast.client_id, toast.client_secret

    async def login() -> AccessToken:
        return await client.login(client_id, secret.reveal(), now())

    return ClientCredentialsTokens(login, now)


class VenueCurrencies:
    """A venue's currency by id (Toast's orders carry none), read once per venue."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._known: dict[int, str] = {}

    async def __call__(self, venue_id: int) -> str:
        currency = self._known.get(venue_id)
        if currency is None:
            async with self._database.unit_of_work() as uow:
                currency = (await uow.venues.by_id(VenueId(venue_id))).currency
            self._known[venue_id] = currency
        return currency


async def open_toast(
    settings: Settings,
    database: Database,
    now: Callable[[], datetime],
    observer: ApiObserver | None = None,
) -> ToastParts | None:
    """Toast's parts, or None (said once in the log) when it is not configured."""
    toast = settings.pos[PROVIDER]
    missing = missing_settings(settings)
    if missing or settings.secret_key is None:
        if toast.configured:
            logger.warning("Toast is off: it needs %s", ", ".join(missing or ("a secret key",)))
        return None
    assert toast.webhook_secret is not None
    session = aiohttp.ClientSession()
    client = toast_client(settings, session, observer)
    tokens = machine_tokens(settings, client, now)
    connections = SqlConnections(database.engine, Fernet(settings.secret_key.reveal()))
    currencies = VenueCurrencies(database)
    return ToastParts(
        settings=toast,
        session=session,
        client=client,
        tokens=tokens,
        connections=connections,
        provider=ToastProvider(webhook_secret=toast.webhook_secret.reveal(), now=now),
        reader=ToastReader(connections, currencies),
        poller=ToastPoller(client, tokens, currencies),
        binder=ToastBinder(client, tokens, connections),
    )


class OneShotToastBinder:
    """`connect toast <guid>` from a terminal or Slack: its own short HTTP session per bind (a
    rare command; a one-shot CLI run has no long-lived session to borrow)."""

    def __init__(self, settings: Settings, database: Database, fernet: Fernet) -> None:
        self._settings = settings
        self._database = database
        self._fernet = fernet

    async def bind(self, venue: Venue, account: str, now: datetime) -> BoundAccount:
        async with aiohttp.ClientSession() as session:
            client = toast_client(self._settings, session)
            tokens = machine_tokens(self._settings, client, lambda: now)
            connections = SqlConnections(self._database.engine, self._fernet)
            return await ToastBinder(client, tokens, connections).bind(venue, account, now)
