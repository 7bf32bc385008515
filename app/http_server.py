"""The HTTP server's own defences: how many connections, for how long, and how it stops.

aiohttp serves the requests; `GuardedRunner` builds its server as `GuardedServer`, which adds what
a service facing the internet needs and aiohttp leaves to its users:

- **A cap on open connections**, below the process's open-file limit (raised to its hard limit at
  start where the OS allows: `raise_file_limit`). At the cap, a new connection closes the one that
  has been idle longest (connected and asking nothing, or between keep-alive requests); only when
  every connection is busy is the new one closed at once. A flood of idle connections, which once
  reached the file limit and got every new connection (the POS's too) reset, now only ever costs
  the flood its own oldest connections.
- **Deadlines**: a connection must send its first request's headers within
  `FIRST_REQUEST_SECONDS`; a request's body must arrive within `BODY_SECONDS` (then 408); idle
  keep-alive connections close after `KEEPALIVE_SECONDS` (aiohttp's own timer).
- **Quiet refusals**: a request aiohttp cannot parse (a header over 8 KB, garbage on the port)
  gets its 4xx and one INFO line, not an ERROR with a traceback; scanners send plenty of them.
- **Graceful stop**: `serve` stops listening and gives requests in flight `SHUTDOWN_SECONDS` to
  finish, reading the rest of their bodies (aiohttp's own shutdown stops reading a connection at
  once, so an upload in progress could never finish). An upload still arriving when that time is
  nearly over is answered 503 with `Retry-After` (the POS sends it again to whoever serves next)
  instead of being cut off without an answer.

The body and shutdown cut-offs fail the request's body stream with `BodyTimeout` or
`ShuttingDown`; the error middleware (`app/middlewares.py`) turns those into the 408 and the 503.
They are `TimeoutError`s on purpose: aiohttp then stops reading what is left of the body quietly.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import OrderedDict
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong
from aiohttp.web_protocol import RequestHandler

logger = logging.getLogger(__name__)

FIRST_REQUEST_SECONDS = 10.0
BODY_SECONDS = 20.0  # 1 MiB at 50 KB/s; a POS on a slow line is far faster
KEEPALIVE_SECONDS = 75.0  # longer than the usual load balancer's idle timeout (60 s)
SHUTDOWN_SECONDS = 10.0
DRAIN_MARGIN_SECONDS = 1.0  # before the end of the shutdown, uploads are answered 503
# Files the process needs besides client connections: database connections (a pool of up to 30
# on PostgreSQL), SQLite's files, the Slack and POS clients' connections, logs, the event loop.
RESERVED_FILES = 256
MAX_CONNECTIONS = 4096  # plenty for a venue group's POS, Slack and probes
CAP_WARNING_EVERY_SECONDS = 60.0
WANTED_FILE_LIMIT = 65536


class BodyTimeout(TimeoutError):
    """The request's body did not arrive in time: 408."""


class ShuttingDown(TimeoutError):
    """The service is stopping and this request's body is still arriving: 503, send it again."""


def raise_file_limit(wanted: int = WANTED_FILE_LIMIT) -> int:
    """Raise the soft open-file limit towards `wanted`, as far as the hard limit allows; the
    soft limit in effect afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # a container may refuse; the cap follows what is left
            pass
    return wanted if soft == resource.RLIM_INFINITY else soft


def connection_cap(file_limit: int) -> int:
    """Open connections allowed under `file_limit` open files."""
    return max(8, min(MAX_CONNECTIONS, file_limit - RESERVED_FILES, file_limit // 2 + 64))


class GuardedHandler(RequestHandler):
    """aiohttp's per-connection protocol, with the first-request deadline and quiet refusals."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._first_request = self._loop.call_later(FIRST_REQUEST_SECONDS, self._no_request)

    def connection_lost(self, exc: BaseException | None) -> None:
        self._first_request.cancel()
        super().connection_lost(exc)

    def _no_request(self) -> None:
        if self._request_count == 0:  # not even one request's headers in the time given
            self.force_close()

    async def shutdown(self, timeout: float | None = 15.0) -> None:
        """Let the request in flight finish first, reading the rest of its body: aiohttp's own
        shutdown stops reading the connection at once, so an upload in progress could never
        complete and its client got no answer."""
        loop = self._loop
        end = None if timeout is None else loop.time() + timeout
        if self._request_in_progress:
            self.keep_alive(False)  # closes once this answer is out
            self._handler_waiter = loop.create_future()
            try:
                async with asyncio.timeout_at(end):
                    await self._handler_waiter
            except TimeoutError:
                pass
            finally:
                self._handler_waiter = None
        remaining = None if end is None else max(end - loop.time(), 0.0)
        await super().shutdown(remaining)

    @property
    def idle(self) -> bool:
        """Connected and not handling a request (never asked yet, or between keep-alives)."""
        return not self._request_in_progress and not self._messages

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if isinstance(exc, HttpProcessingError) and status < 500:
            # aiohttp's message quotes the offending bytes (a cookie, a token): neither the
            # reply nor the log repeats them.
            reason = "the request could not be read as HTTP"
            if isinstance(exc, LineTooLong):
                status = 431  # Request Header Fields Too Large
                reason = f"a line of the request's head is over {exc.args[1]} bytes"
            logger.info("refused a request it could not read (%d): %s", status, reason)
            response = web.Response(status=status, text=f"{status}: {reason}\n")
            response.force_close()
            return response
        return super().handle_error(request, status, exc, message)


class GuardedServer(web.Server):
    """aiohttp's connection manager, with the cap, the body deadline and the upload drain."""

    def __init__(self, *args: Any, cap: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap
        self._recent: OrderedDict[RequestHandler, None] = OrderedDict()  # least recent first
        self._bodies: dict[RequestHandler, Any] = {}  # the body stream of a request in flight
        self._factory = self.request_factory
        self.request_factory = self._make_guarded_request
        self._warned_at = float("-inf")
        self.evicted = 0

    def __call__(self) -> RequestHandler:
        return GuardedHandler(self, loop=self._loop, **self._kwargs)

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        self._recent[handler] = None
        if len(self._recent) > self.cap:
            self._make_room(handler)

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        self._recent.pop(handler, None)
        self._bodies.pop(handler, None)
        super().connection_lost(handler, exc)

    def _make_room(self, newcomer: RequestHandler) -> None:
        victim = next(
            (h for h in self._recent if h is not newcomer and getattr(h, "idle", False)), newcomer
        )
        self._recent.pop(victim, None)
        victim.force_close()
        self.evicted += 1
        now = time.monotonic()
        if now - self._warned_at >= CAP_WARNING_EVERY_SECONDS:
            self._warned_at = now
            logger.warning(
                "%d connections open, the most allowed: closing the longest idle ones (%d so far)",
                self.cap,
                self.evicted,
            )

    def _make_guarded_request(self, message: Any, payload: Any, protocol: Any, *rest: Any) -> Any:
        request = self._factory(message, payload, protocol, *rest)
        if protocol in self._recent:
            self._recent.move_to_end(protocol)
        if not payload.is_eof():
            self._bodies[protocol] = payload
            late = self._loop.call_later(BODY_SECONDS, self._body_overdue, payload)
            payload.on_eof(late.cancel)
        return request

    @staticmethod
    def _body_overdue(payload: Any) -> None:
        if not payload.is_eof():
            payload.set_exception(BodyTimeout(f"the body did not arrive within {BODY_SECONDS:g} s"))

    def pre_shutdown(self) -> None:
        """Close the idle connections; the busy ones close after their answer (aiohttp's would
        stop reading them, uploads included, at once)."""
        for handler in list(self._connections):
            if getattr(handler, "idle", True):
                handler.close()
            else:
                handler.keep_alive(False)

    async def shutdown(self, timeout: float | None = None) -> None:
        grace = SHUTDOWN_SECONDS if timeout is None else timeout
        cut = self._loop.call_later(max(grace - DRAIN_MARGIN_SECONDS, 0.0), self._cut_uploads)
        try:
            await super().shutdown(grace)
        finally:
            cut.cancel()

    def _cut_uploads(self) -> None:
        for payload in list(self._bodies.values()):
            if not payload.is_eof():
                payload.set_exception(ShuttingDown("the service is stopping"))


class GuardedRunner(web.AppRunner):
    """`web.AppRunner` whose server is a `GuardedServer` allowing `cap` connections."""

    def __init__(self, app: web.Application, *, cap: int, **kwargs: Any) -> None:
        kwargs.setdefault("keepalive_timeout", KEEPALIVE_SECONDS)
        kwargs.setdefault("shutdown_timeout", SHUTDOWN_SECONDS)
        super().__init__(app, **kwargs)
        self._cap = cap

    async def _make_server(self) -> web.Server:
        plain = await super()._make_server()
        return GuardedServer(
            plain.request_handler,
            request_factory=plain.request_factory,
            handler_cancellation=plain.handler_cancellation,
            loop=plain._loop,
            cap=self._cap,
            **plain._kwargs,
        )
