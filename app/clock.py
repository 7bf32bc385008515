"""The real clock: the engine asks for "now" through the `Clock` port, tests pass a fake."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
