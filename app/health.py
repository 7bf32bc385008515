"""Probes: `/livez` (the process answers), `/readyz` (it can serve: the database answers and its
schema is the one this code expects), `/healthz` (the process and the database: kept for load
balancers and the README's first `curl`).

Liveness never touches the database: a database outage must not make an orchestrator restart
every web process (restarting cannot fix it). Readiness does, so traffic goes elsewhere while it
cannot be served, and a process started before `barback db upgrade` ran reports it.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from app.keys import database_key

# Load balancers and Kubernetes probes give up after a few seconds; answering "unavailable"
# within 2 s is more useful to them than hanging on a database that does not answer.
PING_TIMEOUT_SECONDS = 2.0

logger = logging.getLogger(__name__)

_heads: dict[str, str] = {}  # the newest revision this code knows, read from the scripts once


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


async def livez(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    from storage.migrate import database_revision, head_revision

    if "head" not in _heads:
        _heads["head"] = await asyncio.to_thread(head_revision)
    head = _heads["head"]
    try:
        async with asyncio.timeout(PING_TIMEOUT_SECONDS):
            revision = await database_revision(request.app[database_key])
    except Exception as error:
        logger.warning("readiness: database unavailable", extra={"error": repr(error)})
        return web.json_response({"status": "unavailable", "database": "unavailable"}, status=503)
    if revision != head:
        return web.json_response(
            {
                "status": "unavailable",
                "database": "ok",
                "schema": f"at {revision or 'nothing'}, expected {head}: run `barback db upgrade`",
            },
            status=503,
        )
    return web.json_response({"status": "ok", "database": "ok", "schema": head})
