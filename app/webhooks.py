"""Wiring the webhook path: routes, the group-commit inbox writer, and the processing worker.

`install_webhooks(app, settings)` (called once by `create_app`) adds the webhook routes and a
cleanup context that, at startup, builds the worker and the inbox writer (whose commits wake the
worker) and sets the routes' dependencies; at cleanup it stops the writer (storing what is queued)
and then the worker. `app[run_worker_key] = False` keeps processing off (tests; several web
processes where only `barback worker` processes); `app[retry_key]` sets the retry policy.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from aiohttp import web

from app.clock import SystemClock
from app.clover import CloverParts
from app.config import Settings
from app.keys import database_key, metrics_key, service_metrics_key
from app.pos_parts import PosParts, open_pos
from app.processing import event_processor
from app.retention import BodyPruner
from app.shopify import ShopifyParts
from app.square import SquareParts
from app.toast import ToastParts
from app.webhook_metrics import WebhookMetrics
from app.worker import InboxWorker, Job
from engine.errors import NotFound
from engine.inbox import DEFAULT_RETRY, RawEvent, RetryPolicy, SubmitResult
from integrations.clover.connect import clover_connect_key, clover_connect_routes
from integrations.clover.webhook import clover_door_key, clover_webhook_routes
from integrations.shopify import routes as shopify_routes
from integrations.square.routes import (
    CALLBACK_PATH,
    ConnectDoors,
    connect_doors_key,
    connect_routes,
)
from integrations.web import (
    PosDoor,
    VenueDoor,
    WebhookDoors,
    webhook_doors_key,
    webhook_routes,
)
from storage.database import Database, DatabaseUnavailable
from storage.inbox import SqlInbox
from storage.inbox_writer import InboxWriter, inbox_writer
from storage.oauth_states import SqlOAuthStates
from storage.outage import Outage, short_reason, within

run_worker_key = web.AppKey("run_worker", bool)
worker_key = web.AppKey("inbox_worker", InboxWorker)
writer_key = web.AppKey("inbox_writer", InboxWriter)
webhook_metrics_key = web.AppKey("webhook_metrics", WebhookMetrics)
square_key = web.AppKey("square", SquareParts)
clover_key = web.AppKey("clover", CloverParts)
toast_key = web.AppKey("toast", ToastParts)
shopify_key = web.AppKey("shopify", ShopifyParts)
retry_key = web.AppKey("retry_policy", RetryPolicy)
run_jobs_key = web.AppKey("run_jobs", bool)
"""False: the worker runs no scheduled job (reconciliation); tests run them by hand."""

logger = logging.getLogger(__name__)

VENUE_CACHE_SECONDS = 30.0  # a venue's id and secret, read once per half minute, not per request
VENUE_LOOKUP_DEADLINE_SECONDS = 1.5  # then 503: with the writer's 2.5 s, an answer within 4 s
# Events claimed and booked at once: larger batches book faster, but hold SQLite's write turn,
# which the webhooks' commits wait for, longer (`make bench` measured 16, 64 and 128).
WORKER_BATCH = 64
GATHER_SECONDS = 0.1  # after a wake, before claiming (app/worker.py)
# Booking waits while the inbox writer was busy more than this share of the last half second
# (app/worker.py, "webhooks first").
WEBHOOKS_FIRST_SHARE = 0.7


def install_webhooks(app: web.Application, settings: Settings, *, worker: bool = True) -> None:
    """`worker`: the default for `app[run_worker_key]` (create_app passes False when the database
    is injected: its owner may close it before the app's cleanup stops the worker)."""
    worker_default = worker
    # Clover's route first: `/webhooks/{provider}` would take its path otherwise.
    app.router.add_routes(clover_webhook_routes() + clover_connect_routes())
    app.router.add_routes(webhook_routes())
    app.router.add_routes(connect_routes())
    app.router.add_routes(shopify_routes.connect_routes())
    metrics = WebhookMetrics(app[metrics_key].registry)
    app[webhook_metrics_key] = metrics

    async def webhooks_ctx(app: web.Application) -> AsyncIterator[None]:
        database = app[database_key]
        clock = SystemClock()
        pos = await open_pos(
            settings, database, clock.now, metrics=app.get(service_metrics_key), observer=metrics
        )
        square, toast, shopify, clover = pos.square, pos.toast, pos.shopify, pos.clover
        for configured in pos.configured:
            metrics.declare(configured)
        worker: InboxWorker | None = None
        if app.get(run_worker_key, worker_default):
            retry = app.get(retry_key, DEFAULT_RETRY)
            processor = event_processor(
                database, clock.now, metrics, readers=pos.readers(), retry=retry
            )
            inbox = SqlInbox(database.engine)
            run_jobs = app.get(run_jobs_key, True)
            jobs = worker_jobs(settings, database, inbox, pos, clock.now) if run_jobs else []
            worker = InboxWorker(
                inbox,
                processor.process_many,
                clock.now,
                on_lag=metrics.lag,
                jobs=jobs,
                batch=WORKER_BATCH,
                gather_seconds=GATHER_SECONDS,
                defer_to=lambda: writer.load.share() > WEBHOOKS_FIRST_SHARE,
                outage=database.outage,
            )
            app[worker_key] = worker
            logger.info("booking webhooks in this process (batches of %d)", WORKER_BATCH)
        else:
            logger.info("webhooks are stored here; `barback worker` books them")
        writer = inbox_writer(database, on_commit=None if worker is None else worker.wake)
        app[writer_key] = writer
        doors: dict[str, PosDoor] = {}
        if toast is not None:
            doors["toast"] = PosDoor(toast.provider, toast.restaurant_venue)
        if shopify is not None:
            doors["shopify"] = PosDoor(shopify.provider, shopify.shop_venue)
        app[webhook_doors_key] = WebhookDoors(
            sink=_Sink(writer, database.outage),
            venue_door=VenueDoors(database).get,
            now=clock.now,
            counters=metrics,
            square=None if square is None else square.provider,
            merchant_venue=None if square is None else square.merchant_venue,
            pos=doors,
        )
        if toast is not None:
            app[toast_key] = toast
        if shopify is not None:
            app[shopify_key] = shopify
            venues = VenueDoors(database)
            app[shopify_routes.connect_doors_key] = shopify.connect_doors(
                settings, database, venues.venue_id, clock.now
            )
        if square is not None:
            app[square_key] = square
            connect = connect_doors(settings, database, square, clock.now)
            if connect is not None:
                app[connect_doors_key] = connect
        if clover is not None:
            app[clover_key] = clover
            app[clover_door_key] = clover.door()
            venues = VenueDoors(database)
            app[clover_connect_key] = clover.connect_doors(
                settings, database, venues.venue_id, clock.now
            )
        await writer.start()
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            try:
                await writer.stop()
            finally:
                if worker is not None:
                    await worker.stop()
                await pos.close()

    app.cleanup_ctx.append(webhooks_ctx)


def worker_jobs(
    settings: Settings,
    database: Database,
    inbox: SqlInbox,
    pos: PosParts,
    now: Callable[[], datetime],
) -> list[Job]:
    """The scheduled jobs every worker runs: the daily prune of old bodies (app/retention.py)
    and each POS's (reconciliation, Square's daily menu)."""
    return [BodyPruner(inbox, settings.event_retention, now).run, *pos.jobs(database, now)]


class _Sink:
    """The writer, as the routes' `EventSink`; a refusal for the database's sake is counted in
    its outage (logged once), not logged per webhook."""

    def __init__(self, writer: InboxWriter, outage: Outage) -> None:
        self._writer = writer
        self._outage = outage

    async def submit(self, event: RawEvent) -> SubmitResult:
        started = self._outage.now()
        try:
            return await self._writer.submit(event)
        except DatabaseUnavailable as error:
            self._outage.failed("storing a webhook", error, started=started)
            raise


class VenueDoors:
    """Venue slug -> id and webhook secret, cached briefly (on SQLite every read takes the write
    lock, so a query per webhook would queue behind the writer).

    A lookup the database does not answer within `deadline` is a 503 (the POS retries); it goes
    on in the background, and the webhooks for that venue meanwhile wait on it, not on a query
    of their own each, so a hung database does not collect a connection per webhook.
    """

    def __init__(
        self,
        database: Database,
        *,
        ttl: float = VENUE_CACHE_SECONDS,
        deadline: float = VENUE_LOOKUP_DEADLINE_SECONDS,
    ) -> None:
        self._database = database
        self._ttl = ttl
        self._deadline = deadline
        self._cache: dict[str, tuple[float, VenueDoor]] = {}
        # The lookup in flight per venue, and when it began (on the outage's clock).
        self._lookups: dict[str, tuple[asyncio.Future[VenueDoor | None], float]] = {}

    async def get(self, slug: str) -> VenueDoor | None:
        cached = self._cache.get(slug)
        if cached is not None and time.monotonic() - cached[0] < self._ttl:
            return cached[1]
        outage = self._database.outage
        lookup, started = self._lookups.get(slug) or (None, outage.now())
        if lookup is None:
            lookup = asyncio.ensure_future(self._lookup(slug))
            self._lookups[slug] = (lookup, started)
            lookup.add_done_callback(lambda done: self._finished(slug, done))
        try:
            # Shielded: one webhook giving up (its client left) must not cancel the others' lookup.
            return await within(self._deadline, asyncio.shield(lookup), "venue lookup")
        except NotFound:
            return None
        except Exception as error:
            if not outage.failed("venue lookup", error, started=started):
                logger.error("venue lookup failed: %s", short_reason(error))
            raise DatabaseUnavailable(f"venue lookup failed: {short_reason(error)}") from error

    def _finished(self, slug: str, lookup: asyncio.Future[VenueDoor | None]) -> None:
        self._lookups.pop(slug, None)
        if not lookup.cancelled():
            lookup.exception()  # seen: whoever still waits reads it; nobody may

    async def _lookup(self, slug: str) -> VenueDoor | None:
        async with self._database.unit_of_work() as uow:
            venue = await uow.venues.get(slug)
            secret = await uow.venues.webhook_secret(slug)
        self._database.outage.answered()
        if venue.archived_at is not None:
            return None  # an archived venue takes no more webhooks: 404, as no venue
        door = VenueDoor(venue_id=venue.id, webhook_secret=secret, currency=venue.currency)
        self._cache[slug] = (time.monotonic(), door)
        return door

    async def venue_id(self, slug: str) -> int | None:
        door = await self.get(slug)
        return None if door is None else door.venue_id


def connect_doors(
    settings: Settings, database: Database, square: SquareParts, now: Callable[[], datetime]
) -> ConnectDoors | None:
    """The OAuth routes' dependencies; None without SQUARE_APPLICATION_ID/_SECRET."""
    pos = square.settings
    if pos.client_id is None or pos.client_secret is None or settings.secret_key is None:
        return None
    venues = VenueDoors(database)

    async def venue_id(slug: str) -> int | None:
        door = await venues.get(slug)
        return None if door is None else door.venue_id

    return ConnectDoors(
        client=square.client,
        base_url=square.client_base_url,
        client_id=pos.client_id,
        client_secret=pos.client_secret.reveal(),
        state_key=settings.secret_key.reveal().encode("ascii"),
        redirect_uri=settings.public_url.rstrip("/") + CALLBACK_PATH,
        venue_id=venue_id,
        states=SqlOAuthStates(database.engine),
        connections=square.connections,
        now=now,
        on_connected=square.menu_requests(database, now).connected,
    )
