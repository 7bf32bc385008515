"""Events API redeliveries (slack-platform.md §2.3): Slack resends an event it thinks failed, with
`X-Slack-Retry-Num`; the listeners remember the event ids they took, so a redelivery is answered
without running again."""

from __future__ import annotations

import time
from collections import OrderedDict


class RecentEvents:
    """Event ids seen in the last `ttl` seconds (at most `size`), oldest forgotten first."""

    def __init__(self, *, ttl: float = 3600.0, size: int = 10_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._ttl, self._size = ttl, size

    def add(self, event_id: str) -> bool:
        """Remember `event_id`; False if it was already there (a redelivery)."""
        now = time.monotonic()
        while self._seen and (
            len(self._seen) >= self._size or next(iter(self._seen.values())) < now - self._ttl
        ):
            self._seen.popitem(last=False)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now
        return True
