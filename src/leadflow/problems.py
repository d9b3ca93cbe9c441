"""Every error leaves the API as problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadflow.exceptions import LeadflowError

log = structlog.get_logger()
PROBLEM_JSON = "application/problem+json"


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _leadflow_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LeadflowError)
    return problem(error.status, error.title, error.message, error.headers, **error.extra)


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in error.errors()
    ]
    return problem(
        422, "Unprocessable input", "the request does not match the schema", errors=errors
    )


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    title = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized"}.get(
        error.status_code, "Error"
    )
    return problem(error.status_code, title, str(error.detail), dict(error.headers or {}))


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("request.failed", path=request.url.path)
    return problem(500, "Internal error", "something went wrong on our side; it has been logged")


def register_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LeadflowError, _leadflow_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
