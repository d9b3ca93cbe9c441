"""The one answer to "who is asking?" for rate limits and the sessions' records.

It is the address of the connection, ``request.client.host``. Behind a reverse proxy that is
the proxy's own address, unless uvicorn believes the proxy's X-Forwarded-For: `leadflow serve`
runs uvicorn with its proxy headers on, and it believes them from the addresses in uvicorn's
own FORWARDED_ALLOW_IPS (default 127.0.0.1 and ::1, a proxy on the same machine), setting
``request.client`` from the header (docs/operations.md says how to set it). Nothing else here
reads that header: a client could write anything in it."""

from __future__ import annotations

from starlette.requests import HTTPConnection

UNKNOWN = "unknown"


def client_address(request: HTTPConnection) -> str:
    return request.client.host if request.client and request.client.host else UNKNOWN
