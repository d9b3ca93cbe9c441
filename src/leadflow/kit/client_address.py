"""The one answer to "who is asking?" for limits and session records.

It is the address of the connection, ``request.client.host``. Behind a reverse proxy that is
the proxy's own address, unless uvicorn believes the proxy's X-Forwarded-For: `leadflow serve`
does for the addresses in LEADFLOW_FORWARDED_ALLOW_IPS (default 127.0.0.1, a proxy on the same
machine), and sets ``request.client`` from the header. Nothing else here reads that header: a
client could write anything in it."""

from __future__ import annotations

from starlette.requests import HTTPConnection

UNKNOWN = "unknown"


def client_address(request: HTTPConnection) -> str:
    return request.client.host if request.client and request.client.host else UNKNOWN
