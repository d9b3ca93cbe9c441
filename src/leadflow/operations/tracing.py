"""Every request gets a correlation id: taken from ``X-Request-ID`` when it is sane, made
otherwise, bound to every log line of the request (and of the jobs it enqueues, through
``job.enqueued``), and sent back in the response. One ``request.finished`` line per request."""

from __future__ import annotations

import re
import secrets
import time

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadflow.operations.metrics import observe_request

log = structlog.get_logger()
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
UNMATCHED_ROUTE = "unmatched"  # one label for every unknown path: metrics stay bounded


def request_id_from(scope: Scope) -> str:
    offered = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
    return offered if _SANE_REQUEST_ID.fullmatch(offered) else secrets.token_hex(16)


def route_template(scope: Scope) -> str:
    """The matched route's template with its router's prefix: ``/api/v1/leads/{lead_id}``."""
    route = scope.get("route")
    template, pattern = getattr(route, "path", None), getattr(route, "path_regex", None)
    if not isinstance(template, str) or not isinstance(pattern, re.Pattern):
        return UNMATCHED_ROUTE
    # An included router's routes know their own part of the path only; the prefix is what
    # comes before the part they match.
    path: str = scope["path"]
    for start, character in enumerate(path):
        if character == "/" and pattern.match(path[start:]):
            return path[:start] + template
    return template


class RequestCorrelation:
    """Pure ASGI middleware (streamed responses and server-sent events pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        status = 500  # unless the app starts a response
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                seconds = time.perf_counter() - started
                route, method = route_template(scope), scope["method"]
                observe_request(method, route, status, seconds)
                log.info(
                    "request.finished",
                    method=method,
                    route=route,
                    status=status,
                    duration_ms=round(seconds * 1000, 2),
                )
