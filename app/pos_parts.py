"""Every configured POS's parts in one place, for `serve` and `barback worker` alike: the readers
the inbox worker books their events with, their scheduled jobs (reconciliation, Square's daily
menu), and the HTTP sessions to close. A POS is added here once, not in each process's wiring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.clover import CloverParts, open_clover
from app.config import Settings
from app.service_metrics import ServiceMetrics
from app.shopify import ShopifyParts, open_shopify
from app.square import SquareParts, open_square
from app.toast import ToastParts, open_toast
from app.worker import Job
from integrations.api_calls import ApiObserver
from integrations.processing import EventReader
from storage.database import Database

Parts = SquareParts | ToastParts | ShopifyParts | CloverParts


@dataclass(frozen=True, slots=True)
class PosParts:
    square: SquareParts | None = None
    toast: ToastParts | None = None
    shopify: ShopifyParts | None = None
    clover: CloverParts | None = None

    @property
    def configured(self) -> tuple[str, ...]:
        return tuple(name for name, parts in self._all() if parts is not None)

    def readers(self) -> dict[str, EventReader]:
        found: dict[str, EventReader] = {}
        if self.square is not None:
            found["square"] = self.square.reader
        if self.toast is not None:
            found["toast"] = self.toast.reader
        if self.shopify is not None:
            found["shopify"] = self.shopify.reader
        if self.clover is not None:
            found["clover"] = self.clover.reader
        return found

    def jobs(self, database: Database, now: Callable[[], datetime]) -> list[Job]:
        jobs: list[Job] = []
        if self.square is not None:
            jobs += self.square.jobs(database, now)
        if self.toast is not None:
            jobs.append(self.toast.reconciler(database, now).run)
        if self.shopify is not None:
            jobs.append(self.shopify.reconciler(database, now).run)
        if self.clover is not None:
            jobs.append(self.clover.reconciler(database, now).run)
        return jobs

    async def close(self) -> None:
        for _, parts in self._all():
            if parts is not None:
                await parts.close()

    def _all(self) -> tuple[tuple[str, Parts | None], ...]:
        return (
            ("square", self.square),
            ("toast", self.toast),
            ("shopify", self.shopify),
            ("clover", self.clover),
        )


async def open_pos(
    settings: Settings,
    database: Database,
    now: Callable[[], datetime],
    *,
    metrics: ServiceMetrics | None = None,
    observer: ApiObserver | None = None,
) -> PosParts:
    """The parts of each POS the settings configure (the others said off, once, in the log)."""
    square = await open_square(settings, database, now, metrics=metrics, observer=observer)
    toast = await open_toast(settings, database, now, observer)
    shopify = await open_shopify(settings, database, now, observer)
    clover = await open_clover(settings, database, now, observer)
    return PosParts(square=square, toast=toast, shopify=shopify, clover=clover)
