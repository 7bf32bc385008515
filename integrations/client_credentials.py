"""An OAuth client-credentials token, kept in memory and renewed before it expires.

A POS that authenticates barback itself rather than each merchant (Toast's machine client:
one token reads every restaurant that granted access) needs no stored grant: `token()` logs in
when there is no token or the one held expires within `margin`, and otherwise returns it.
Concurrent callers share one login (a lock, checked again inside), so a burst of events after
a restart costs the POS one login, not one each. `forget()` drops a token the POS refused
(a 401), so the next call logs in again.

`login` is the POS's own call (`ToastClient.login`), returning an `AccessToken`; `now` is the
clock. Tokens never show in a `repr`, so they cannot reach a log by accident.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MARGIN = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class AccessToken:
    value: str = field(repr=False)
    expires_at: datetime


class ClientCredentialsTokens:
    def __init__(
        self,
        login: Callable[[], Awaitable[AccessToken]],
        now: Callable[[], datetime],
        *,
        margin: timedelta = MARGIN,
    ) -> None:
        self._login = login
        self._now = now
        self._margin = margin
        self._token: AccessToken | None = None
        self._lock = asyncio.Lock()
        self.logins = 0
        """How many times `login` ran (for logs and tests)."""

    async def token(self) -> str:
        """A token valid for at least `margin` more; raises what `login` raises."""
        held = self._fresh()
        if held is not None:
            return held.value
        async with self._lock:
            held = self._fresh()  # another caller may have logged in while we waited
            if held is None:
                held = await self._login()
                self.logins += 1
                self._token = held
            return held.value

    def forget(self, value: str | None = None) -> None:
        """Drop the token held (only if it is still `value`, when given: a newer one stays)."""
        if value is None or (self._token is not None and self._token.value == value):
            self._token = None

    def _fresh(self) -> AccessToken | None:
        held = self._token
        if held is None or held.expires_at - self._now() <= self._margin:
            return None
        return held
