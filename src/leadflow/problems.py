"""Every error leaves the API as problem+json (RFC 9457)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadflow.db import database_unavailable
from leadflow.exceptions import DatabaseUnavailable, LeadflowError

log = structlog.get_logger()
PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
# The dashboard's page for a request outside the API that cannot be answered for now.
UnavailablePage = Callable[[Request, LeadflowError], Response]


class InputIssue(BaseModel):
    loc: list[str | int] = Field(description="where in the request: body, query, path, header")
    msg: str
    type: str


class Problem(BaseModel):
    """An error as every API answer renders it (RFC 9457); some carry more members, such as
    the lead_id a duplicate email belongs to."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "about:blank",
                    "title": "Not found",
                    "status": 404,
                    "detail": "lead 42 not found",
                }
            ]
        },
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[InputIssue] | None = Field(
        default=None, description="422 only: each part of the request that does not fit"
    )


# For a public route with a rate of its own per address (no API key to count by).
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "too many requests from this address; see Retry-After"}
}


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


def _database_error(unavailable_page: UnavailablePage | None) -> Callable[..., Any]:
    """A database that is away is a 503 with Retry-After (a page for the dashboard); any other
    database error is a bug, and goes on to the handler of the unexpected."""

    async def handle(request: Request, error: Exception) -> Response:
        if not database_unavailable(error):
            raise error
        log.warning("database.unavailable", path=request.url.path, error=str(error))
        unavailable = DatabaseUnavailable()
        if unavailable_page is not None and not request.url.path.startswith(API_PREFIX):
            return unavailable_page(request, unavailable)
        return await _leadflow_error(request, unavailable)

    return handle


def register_problem_handlers(
    app: FastAPI, *, unavailable_page: UnavailablePage | None = None
) -> None:
    app.add_exception_handler(LeadflowError, _leadflow_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    database_error = _database_error(unavailable_page)
    app.add_exception_handler(SQLAlchemyError, database_error)
    app.add_exception_handler(sqlite3.Error, database_error)  # this process's writer turn
    app.add_exception_handler(Exception, _unexpected)
