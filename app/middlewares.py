"""The request-id and error middlewares, and the access log that carries the request id.

Order in the app (outermost first): request id, metrics, errors. The error middleware is
innermost so metrics and the access log see the 500 it turns an exception into.
"""

from __future__ import annotations

import logging
import re
import uuid

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler

from app.http_server import BodyTimeout, ShuttingDown
from app.logs import request_id_var
from app.metrics import UNMATCHED

REQUEST_ID_HEADER = "X-Request-Id"
request_id_key = web.RequestKey("request_id", str)

# A caller's id is kept only when it is short and plain, so it cannot forge log lines or
# bloat them; anything else is replaced by our own.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

logger = logging.getLogger(__name__)


def new_request_id() -> str:
    return uuid.uuid4().hex


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = given if _ACCEPTABLE_ID.match(given) else new_request_id()
    request[request_id_key] = request_id
    token = request_id_var.set(request_id)
    try:
        response = await handler(request)
    except web.HTTPException as http_error:
        # aiohttp's HTTP exceptions are responses too: they must carry the id as well.
        http_error.headers[REQUEST_ID_HEADER] = request_id
        raise
    finally:
        request_id_var.reset(token)
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One of the four places errors are caught: anything unexpected becomes a 500 with an id."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except BodyTimeout as slow:
        # A body trickling in (a slow line, or a client holding the connection on purpose).
        logger.info("body too slow", extra={"method": request.method, "path": request.path})
        return _closing(408, "timeout", str(slow))
    except ShuttingDown:
        # The service is stopping with this upload unfinished: the POS sends it again.
        response = _closing(503, "unavailable", "the service is restarting; try again")
        response.headers["Retry-After"] = "5"
        return response
    except ConnectionResetError:
        # The client went away mid-request (a sender timing out, a load generator stopping):
        # nothing went wrong here, and the answer reaches nobody (re-raised, aiohttp would log
        # it as an error).
        logger.info("client went away", extra={"method": request.method, "path": request.path})
        return web.Response(status=400, text="the connection was lost")
    except Exception:
        request_id = request.get(request_id_key) or new_request_id()
        logger.exception("unhandled error", extra={"method": request.method, "path": request.path})
        return web.json_response({"error": "internal", "request_id": request_id}, status=500)


def _closing(status: int, code: str, reason: str) -> web.Response:
    response = web.json_response({"error": code, "reason": reason}, status=status)
    response.force_close()  # what is left of the body is not worth reading
    return response


class AccessLogger(AbstractAccessLogger):
    """`METHOD path status seconds`, with the request id and flat fields for a JSON log:
    `method`, `path`, `route` (the route's pattern, as the metrics label it), `status` and
    `duration_ms`.

    The middleware has reset the contextvar by the time this runs, so the id is read back
    from the response header instead.
    """

    @property
    def enabled(self) -> bool:
        # aiohttp skips `log` altogether when this is False (LOG_LEVEL=WARNING and up).
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.3fs",
            request.method,
            request.path,
            response.status,
            time,
            extra={
                "request_id": response.headers.get(REQUEST_ID_HEADER),
                "method": request.method,
                "path": request.path,
                "route": _route(request),
                "status": response.status,
                "duration_ms": round(time * 1000, 3),
                "text_hidden": ("method", "path", "status", "duration_ms"),
            },
        )


def _route(request: web.BaseRequest) -> str:
    """The matched route's pattern (`/webhooks/generic/{venue}`): bounded, unlike the path."""
    try:
        match_info = request.match_info  # type: ignore[attr-defined]
    except (AttributeError, AssertionError):
        # A request refused before routing (a 431 for headers over 8 KB) has no match yet, and
        # aiohttp asserts that it has one.
        return UNMATCHED
    resource = match_info.route.resource
    return UNMATCHED if resource is None else resource.canonical
