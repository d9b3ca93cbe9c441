"""leadflow's own address as the outside reaches it: the configured public URL behind a proxy,
else the address the request came to."""

from __future__ import annotations

from starlette.requests import Request

from leadflow.config import get_settings


def public_base(request: Request) -> str:
    return (get_settings().public_url or str(request.base_url)).rstrip("/")
