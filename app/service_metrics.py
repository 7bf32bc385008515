"""The process's own Prometheus metrics, beside the HTTP and webhook ones (`app/metrics.py`,
`app/webhook_metrics.py`), in the same registry:

- `barback_build_info{version,python_version,python_implementation}` 1;
- the process collectors: `process_*` (CPU, memory, open files), `python_info`, `python_gc_*`;
- `barback_pos_api_requests_total{provider,status}`: calls to a POS's API by HTTP status
  (`error` when no answer came), counted by an aiohttp trace on the provider's client session
  (`pos_trace(provider)`: any POS client built on an injected session gets it);
- `barback_pos_api_throttled_total{provider}`: the 429s among them;
- `barback_outbox_backlog`: alerts waiting to be sent, read from the database at scrape time (at
  most every `BACKLOG_EVERY_SECONDS`);
- `barback_outbox_failures_total{error}`: failed deliveries by Slack's error code
  (`unreachable`, `not_installed`, `other` for anything else), counted by `CountedOutbox`.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from types import SimpleNamespace

import aiohttp
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Info,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.gc_collector import GCCollector
from sqlalchemy.ext.asyncio import AsyncEngine

from app.build_info import build_labels
from engine.alerts import OutboxState
from storage.outbox import SqlOutbox

BACKLOG_EVERY_SECONDS = 5.0
# "Slack answered 400: invalid_blocks" -> invalid_blocks; bounded so a label never grows wild.
_SLACK_CODE = re.compile(r"^Slack answered \d{3}: ([a-z_]{1,40})$")


class ServiceMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        Info("barback_build", "Which barback runs, on which Python.", registry=registry).info(
            build_labels()
        )
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        self._pos_requests = Counter(
            "barback_pos_api_requests",
            "Calls to a POS provider's API, by provider and HTTP status (error: no answer).",
            ["provider", "status"],
            registry=registry,
        )
        self._pos_throttled = Counter(
            "barback_pos_api_throttled",
            "POS API calls answered 429 Too Many Requests, by provider.",
            ["provider"],
            registry=registry,
        )
        self._backlog = Gauge(
            "barback_outbox_backlog",
            "Alerts waiting to be sent to Slack (pending, retries included).",
            registry=registry,
        )
        self._outbox_failures = Counter(
            "barback_outbox_failures",
            "Alert deliveries that failed, by Slack's error code.",
            ["error"],
            registry=registry,
        )
        self._backlog_at = float("-inf")

    def pos_answered(self, provider: str, status: int | None) -> None:
        """One POS API call ended: `status` is the HTTP status, None when none came back."""
        self._pos_requests.labels(provider, "error" if status is None else str(status)).inc()
        if status == 429:
            self._pos_throttled.labels(provider).inc()

    def pos_trace(self, provider: str) -> aiohttp.TraceConfig:
        """A trace for `aiohttp.ClientSession(trace_configs=[...])` counting `provider`'s calls."""
        trace = aiohttp.TraceConfig()

        async def on_end(
            session: aiohttp.ClientSession,
            context: SimpleNamespace,
            params: aiohttp.TraceRequestEndParams,
        ) -> None:
            self.pos_answered(provider, params.response.status)

        async def on_exception(
            session: aiohttp.ClientSession,
            context: SimpleNamespace,
            params: aiohttp.TraceRequestExceptionParams,
        ) -> None:
            self.pos_answered(provider, None)

        trace.on_request_end.append(on_end)
        trace.on_request_exception.append(on_exception)
        return trace

    def outbox_failed(self, error: str) -> None:
        self._outbox_failures.labels(outbox_error_label(error)).inc()

    async def refresh(self, outbox: SqlOutbox) -> None:
        """Read the outbox backlog, unless read in the last few seconds (every scrape would)."""
        if time.monotonic() - self._backlog_at < BACKLOG_EVERY_SECONDS:
            return
        self._backlog_at = time.monotonic()
        self._backlog.set(await outbox.backlog())


def outbox_error_label(error: str) -> str:
    """A delivery error as a bounded label: Slack's code, unreachable, not_installed or other."""
    match = _SLACK_CODE.match(error)
    if match:
        return match.group(1)
    if error.startswith("Slack unreachable"):
        return "unreachable"
    if error.startswith("Slack is not installed"):
        return "not_installed"
    return "other"


class CountedOutbox(SqlOutbox):
    """The outbox, counting each failed delivery into `barback_outbox_failures_total`."""

    def __init__(self, engine: AsyncEngine, metrics: ServiceMetrics) -> None:
        super().__init__(engine)
        self._metrics = metrics

    async def mark_failed(
        self,
        message_id: int,
        owner: str,
        error: str,
        now: datetime,
        *,
        not_before: datetime | None = None,
        final: bool = False,
    ) -> OutboxState | None:
        self._metrics.outbox_failed(error)
        return await super().mark_failed(
            message_id, owner, error, now, not_before=not_before, final=final
        )
