"""The API's docs, /docs (Swagger UI) and /redoc, drawn from the vendored libraries in static/
rather than a CDN: they work offline, and under the pages' security policy (no inline script;
see leadflow.operations.security_headers)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from leadflow.dashboard.pages import templates
from leadflow.operations.security_headers import NONCE_STATE

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return _page(request, "docs/swagger.html")


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return _page(request, "docs/redoc.html")


def _page(request: Request, template: str) -> HTMLResponse:
    context = {
        "title": request.app.title,
        "openapi_url": request.app.openapi_url,
        "nonce": getattr(request.state, NONCE_STATE, ""),
    }
    return templates.TemplateResponse(request, template, context)
