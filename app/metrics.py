"""Prometheus metrics, in a registry of the app's own.

A registry per app (not prometheus_client's global one) lets tests and several apps in one
process count separately instead of failing on duplicate names.
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from prometheus_client import CollectorRegistry, Counter, Histogram

# Paths that matched no route are counted under one label: a scanner trying a million URLs
# must not create a million time series.
UNMATCHED = "unmatched"


class HttpMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "barback_http_requests",
            "HTTP requests answered, by method, route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "barback_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route.",
            ["method", "route"],
            registry=self.registry,
        )

    def observe(self, request: web.Request, status: int, seconds: float) -> None:
        route = route_label(request)
        self.requests.labels(request.method, route, str(status)).inc()
        self.duration.labels(request.method, route).observe(seconds)

    def middleware(self) -> Middleware:
        @web.middleware
        async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            started = time.perf_counter()
            status = 500  # if the handler is cancelled or fails past the error middleware
            try:
                response = await handler(request)
                status = response.status
                return response
            except web.HTTPException as http_error:
                status = http_error.status
                raise
            finally:
                self.observe(request, status, time.perf_counter() - started)

        return metrics_middleware


def route_label(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return UNMATCHED if resource is None else resource.canonical
