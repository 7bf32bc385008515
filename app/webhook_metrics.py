"""The webhook path's Prometheus metrics, in the app's own registry (see `app/metrics.py`).

- `barback_webhook_events_received_total{provider}`: stored (new or duplicate) and acknowledged;
- `barback_webhook_events_rejected_total{provider,reason}`: refused at the door (401, 400, 413...);
- `barback_webhook_events_processed_total{provider,outcome}`: done, skipped, retry, failed, lost;
- `barback_webhook_events_failed_total{provider}`: processing failures (retry or failed);
- `barback_inbox_lag_seconds`: age of the oldest pending event, set by the worker;
- `barback_pos_orders_fetched_total{provider}`: orders read from a POS's API (fetches and
  reconciliation pages);
- `barback_pos_api_errors_total{provider,kind}`: failed POS API calls (`unavailable`,
  `not_connected`, `rejected`, `rate_limited`);
- `barback_pos_api_rate_limited_total{provider}`: the POS answered 429 (each one, including those
  waited out and retried).
Every POS's series exists from the start (at 0) once it is configured (`declare`).
"""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge

from integrations.processing import Outcome


class WebhookMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._received = Counter(
            "barback_webhook_events_received",
            "Webhook events stored and acknowledged, by provider.",
            ["provider"],
            registry=registry,
        )
        self._rejected = Counter(
            "barback_webhook_events_rejected",
            "Webhook deliveries refused at the door, by provider and reason.",
            ["provider", "reason"],
            registry=registry,
        )
        self._processed = Counter(
            "barback_webhook_events_processed",
            "Stored events processed by the worker, by provider and outcome.",
            ["provider", "outcome"],
            registry=registry,
        )
        self._failed = Counter(
            "barback_webhook_events_failed",
            "Stored events whose processing failed (to be retried, or given up), by provider.",
            ["provider"],
            registry=registry,
        )
        self._fetched = Counter(
            "barback_pos_orders_fetched",
            "Orders read from a POS API (fetches and reconciliation), by provider.",
            ["provider"],
            registry=registry,
        )
        self._api_errors = Counter(
            "barback_pos_api_errors",
            "Failed POS API calls, by provider and kind.",
            ["provider", "kind"],
            registry=registry,
        )
        self._rate_limited = Counter(
            "barback_pos_api_rate_limited",
            "429 answers from a POS API, by provider.",
            ["provider"],
            registry=registry,
        )
        self._lag = Gauge(
            "barback_inbox_lag_seconds",
            "Age of the oldest stored event not processed yet (0 when none).",
            registry=registry,
        )

    def received(self, provider: str) -> None:
        self._received.labels(provider).inc()

    def rejected(self, provider: str, reason: str) -> None:
        self._rejected.labels(provider, reason).inc()

    def processed(self, provider: str, outcome: Outcome) -> None:
        self._processed.labels(provider, outcome.value).inc()
        if outcome in (Outcome.RETRY, Outcome.FAILED):
            self._failed.labels(provider).inc()

    def declare(self, provider: str) -> None:
        """Show a configured POS's series at 0 before anything happens."""
        self._received.labels(provider)
        self._fetched.labels(provider)
        self._rate_limited.labels(provider)

    def fetched(self, provider: str, orders: int) -> None:
        self._fetched.labels(provider).inc(orders)

    def api_error(self, provider: str, kind: str) -> None:
        self._api_errors.labels(provider, kind).inc()
        if kind == "rate_limited":
            self._rate_limited.labels(provider).inc()

    def lag(self, lag: timedelta) -> None:
        self._lag.set(lag.total_seconds())
