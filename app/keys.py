"""The typed keys of the aiohttp application's state."""

from __future__ import annotations

from aiohttp import web

from app.config import Settings
from app.metrics import HttpMetrics
from app.service_metrics import ServiceMetrics
from storage.database import Database

settings_key = web.AppKey("settings", Settings)
database_key = web.AppKey("database", Database)
metrics_key = web.AppKey("metrics", HttpMetrics)
service_metrics_key = web.AppKey("service_metrics", ServiceMetrics)
