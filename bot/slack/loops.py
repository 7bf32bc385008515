"""The background loops' one shape: do a step, wait, again, backing off while steps fail."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from engine.inbox import LOOP_MAX_BACKOFF_SECONDS, loop_backoff


async def repeat(
    stop: asyncio.Event,
    step: Callable[[], Awaitable[object]],
    *,
    every: float,
    what: str,
    logger: logging.Logger,
    max_backoff: float = LOOP_MAX_BACKOFF_SECONDS,
) -> None:
    """Run `step` every `every` seconds until `stop` is set. A failing step (the database down,
    Slack unreachable) is logged and retried after 1, 2, 4, ... up to `max_backoff` seconds: the
    loop never dies of it."""
    failures = 0
    while not stop.is_set():
        delay = every
        try:
            await step()
            failures = 0
        except Exception:
            failures += 1
            delay = loop_backoff(failures, max_backoff)
            logger.exception("%s failed; retrying in %.0f s", what, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
