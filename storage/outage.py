"""Whether the database answers, as this process last saw it, and the two log lines an outage
earns: one when it starts, one when it ends.

Everything that talks to the database in the background or per request (the webhooks' writer and
venue lookups, the inbox worker, the outbox dispatcher, the summary scheduler, /healthz) reports
here instead of logging each failure itself. A database that stops answering for a minute under
a POS sending ten webhooks a second would otherwise write hundreds of identical ERROR lines, each
with a traceback, and bury the one line an operator needs: when it stopped, why, and when it came
back.

- `failed(where, error)` with an error `is_unavailable` accepts: the first one since the database
  last answered logs ERROR once ("database unavailable ..."); later ones are counted.
- `answered()`: the first success after that logs once how long it lasted and what it cost.
- A failure of an operation that *started* before the last success (a lookup that hung through
  the whole outage and fails only now) is not a new outage: `started` lets the caller say so.

Errors that are not about reaching the database (a constraint refused a row, a bug) are not
outages: callers log those as before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout

T = TypeVar("T")

logger = logging.getLogger("storage.database")

# Driver messages that mean "not now" rather than "never": SQLite's lock held by another process,
# PostgreSQL refusing connections while it starts, stops or is full.
_TRANSIENT_MESSAGES = (
    "database is locked",
    "database is busy",
    "the database system is starting up",
    "the database system is shutting down",
    "too many connections",
    "connection was closed",
    "connection is closed",
    "cannot connect",
    "could not connect",
    "unable to open database file",
    "disk i/o error",
)
_DRIVER_UNAVAILABLE = frozenset(
    {"ConnectionDoesNotExistError", "CannotConnectNowError", "TooManyConnectionsError"}
)


class DatabaseUnavailable(Exception):
    """The database did not answer: the caller should report 503 or retry, not crash.

    `since` (on the `Outage`'s clock): when the wait that failed began, if before the caller's
    own operation (a request refused at once because the writer has been stuck since then)."""

    def __init__(self, message: str, *, since: float | None = None) -> None:
        super().__init__(message)
        self.since = since


def is_unavailable(error: BaseException, _depth: int = 0) -> bool:
    """Whether `error` says the database cannot be reached now (as opposed to a refusal or a bug
    that retrying the same thing would meet again)."""
    if isinstance(error, DatabaseUnavailable | PoolTimeout | OSError):
        return True  # OSError covers TimeoutError and the refused or reset connections
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, InterfaceError):
        return True  # asyncpg: "connection is closed"
    cause = getattr(error, "orig", None) or error.__cause__
    text = str(cause if cause is not None else error).lower()
    if any(message in text for message in _TRANSIENT_MESSAGES):
        return True
    # asyncpg's own connection errors, whatever wraps them.
    if type(cause).__name__ in _DRIVER_UNAVAILABLE:
        return True
    if cause is None or cause is error or _depth > 4:
        return False
    return is_unavailable(cause, _depth + 1)


def short_reason(error: BaseException) -> str:
    """One line about why, for the log: the driver's message, never a statement's parameters
    (SQLAlchemy's own text carries them; the driver's does not)."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    text = lines[0][:200] if lines else ""
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


class Outage:
    """The database's availability as one process sees it (see the module's docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.down_since: float | None = None
        self.failures = 0
        """Operations that failed for it since the outage began (webhooks answered 503, ...)."""
        self._answered_at = float("-inf")

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def failed(self, where: str, error: BaseException, *, started: float | None = None) -> bool:
        """Count a failure; True when it was an outage (logged here, once), False when it was
        not one (`error` is something else: the caller logs it)."""
        if not is_unavailable(error):
            return False
        since = getattr(error, "since", None)
        if since is not None:
            started = since if started is None else min(started, since)
        if started is not None and started < self._answered_at:
            return True  # began before the database last answered: not news
        self.failures += 1
        if self.down_since is None:
            self.down_since = self._clock()
            logger.error(
                "database unavailable (%s: %s); webhooks are answered 503 and background work "
                "waits until it answers again",
                where,
                short_reason(error),
            )
        return True

    def answered(self) -> None:
        """Something the database was asked just succeeded."""
        now = self._clock()
        self._answered_at = now
        if self.down_since is None:
            return
        lasted = now - self.down_since
        failures, self.down_since, self.failures = self.failures, None, 0
        logger.warning(
            "database answers again after %.1f s (%d operations failed meanwhile)", lasted, failures
        )

    def now(self) -> float:
        """The clock `started` is measured on."""
        return self._clock()


async def within(
    seconds: float, operation: Awaitable[T], what: str, *, cancel_late: bool = False
) -> T:
    """`operation`'s result, or `DatabaseUnavailable` once `seconds` have passed.

    Past the deadline the caller stops waiting without waiting for the operation to unwind:
    cancelling a query on a database that does not answer is no quicker (the driver then waits
    to close the connection too, measured at twice the deadline), while a caller such as a
    webhook must answer in time. The operation finishes (or fails) in the background and its
    outcome is dropped; `cancel_late` cancels it too (a probe nobody else waits on).
    """
    task = asyncio.ensure_future(operation)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if not done:
        task.add_done_callback(_drop_outcome)
        if cancel_late:
            task.cancel()
        raise DatabaseUnavailable(f"{what}: no answer within {seconds:g} s")
    return task.result()


def _drop_outcome(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not report it as never retrieved
