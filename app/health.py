"""`GET /healthz`: the process answers and the database does too."""

from __future__ import annotations

import logging

from aiohttp import web

from app.keys import database_key

# Load balancers and Kubernetes probes give up after a few seconds; answering "unavailable"
# within 2 s is more useful to them than hanging on a database that does not answer.
PING_TIMEOUT_SECONDS = 2.0

logger = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    database = request.app[database_key]
    started = database.outage.now()
    try:
        await database.ping(timeout=PING_TIMEOUT_SECONDS)
    except Exception as error:
        # Probes come every few seconds: the outage is logged once, by the database's Outage.
        if not database.outage.failed("health check", error, started=started):
            logger.warning("health check: database unavailable", extra={"error": repr(error)})
        return web.json_response({"status": "unavailable"}, status=503)
    database.outage.answered()
    return web.json_response({"status": "ok", "database": "ok"})
