"""Retention: the raw bodies of finished webhook events are emptied once older than
`BARBACK_EVENT_RETENTION` (30 days by default).

A stored webhook body is the POS's whole payload, which may carry customer data (a name on a tab,
an email on an order). Once an event is booked its figures live in the ledger, and the body is
only worth keeping for a replay or an audit within weeks. The row itself stays (id, provider,
state, when) so `barback events` still tells what arrived; pending and failed events keep their
bodies until they are booked, since replaying them needs the bytes.

`BodyPruner.run` is a worker job (every `barback worker` and `serve`'s own worker tick it every
five minutes); it prunes at most once a day per process, and pruning twice is harmless.
`barback events prune [--older-than 30d]` does the same by hand.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from engine.inbox import Inbox

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 24 * 3600.0


async def prune(inbox: Inbox, older_than: timedelta, now: datetime) -> int:
    """Empty the bodies of events finished more than `older_than` ago; how many."""
    count = await inbox.prune_bodies(now - older_than, now)
    if count:
        logger.info(
            "pruned the bodies of %d booked webhook events older than %s", count, _age(older_than)
        )
    return count


class BodyPruner:
    """The daily prune, as a worker job."""

    def __init__(
        self,
        inbox: Inbox,
        retention: timedelta,
        now: Callable[[], datetime],
        *,
        every: float = PRUNE_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inbox = inbox
        self._retention = retention
        self._now = now
        self._every = every
        self._clock = clock
        self._last: float | None = None

    async def run(self) -> int | None:
        """Prune when a day has passed since this process last did; None when it was not due."""
        if self._last is not None and self._clock() - self._last < self._every:
            return None
        count = await prune(self._inbox, self._retention, self._now())
        self._last = self._clock()  # after success: a failed prune is tried at the next tick
        return count


def _age(age: timedelta) -> str:
    if age % timedelta(days=1):
        return f"{age // timedelta(hours=1)}h"
    return f"{age.days}d"
