"""`GET /healthz`: the process answers and the database does too."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from app.keys import database_key

# Load balancers and Kubernetes probes give up after a few seconds; answering "unavailable"
# within 2 s is more useful to them than hanging on a database that does not answer.
PING_TIMEOUT_SECONDS = 2.0

logger = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    try:
        async with asyncio.timeout(PING_TIMEOUT_SECONDS):
            await request.app[database_key].ping()
    except Exception as error:
        logger.warning("health check: database unavailable", extra={"error": repr(error)})
        return web.json_response({"status": "unavailable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})
