"""The background loops' one shape: do a step, wait, again, backing off while steps fail."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from engine.inbox import LOOP_MAX_BACKOFF_SECONDS, loop_backoff


class LoopHealth(Protocol):
    """Who hears how the loop's steps go (the app wires the database's outage record)."""

    def failed(self, where: str, error: BaseException) -> bool:
        """Take the failure (True: it is logged there), or leave it to the loop (False)."""
        ...

    def answered(self) -> None: ...


async def repeat(
    stop: asyncio.Event,
    step: Callable[[], Awaitable[object]],
    *,
    every: float,
    what: str,
    logger: logging.Logger,
    max_backoff: float = LOOP_MAX_BACKOFF_SECONDS,
    health: LoopHealth | None = None,
) -> None:
    """Run `step` every `every` seconds until `stop` is set. A failing step (the database down,
    Slack unreachable) is logged and retried after 1, 2, 4, ... up to `max_backoff` seconds: the
    loop never dies of it. With `health`, a failure it takes as its own (the database's outage,
    logged once there) is not logged here, and each success is reported to it."""
    failures = 0
    while not stop.is_set():
        delay = every
        try:
            await step()
            failures = 0
            if health is not None:
                health.answered()
        except Exception as error:
            failures += 1
            delay = loop_backoff(failures, max_backoff)
            if health is None or not health.failed(what, error):
                logger.exception("%s failed; retrying in %.0f s", what, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
