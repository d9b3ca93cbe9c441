"""Typed errors, each carrying its HTTP status; one handler renders them as problem+json."""

from __future__ import annotations

from typing import Any


class LeadflowError(Exception):
    status = 500
    title = "Internal error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.headers = headers or {}
        self.extra = extra


class BadRequest(LeadflowError):
    status = 400
    title = "Bad request"


class Unauthorized(LeadflowError):
    status = 401
    title = "Unauthorized"


class NotFound(LeadflowError):
    status = 404
    title = "Not found"


class Conflict(LeadflowError):
    status = 409
    title = "Conflict"


class PayloadTooLarge(LeadflowError):
    status = 413
    title = "Payload too large"


class UnsupportedMediaType(LeadflowError):
    status = 415
    title = "Unsupported media type"


class UnprocessableInput(LeadflowError):
    status = 422
    title = "Unprocessable input"


class TooManyRequests(LeadflowError):
    status = 429
    title = "Too many requests"


class QuotaExceeded(TooManyRequests):
    """The workspace's quota on a metric for the day or month would be passed."""

    title = "Quota exceeded"


class DatabaseUnavailable(LeadflowError):
    """The database cannot be reached or used for now (restarting, out of connections): the
    request changed nothing and is worth sending again after ``Retry-After`` seconds."""

    status = 503
    title = "Service unavailable"
    retry_after_seconds = 5

    def __init__(self, message: str = "the database is unavailable for now; try again shortly"):
        super().__init__(message, headers={"Retry-After": str(self.retry_after_seconds)})
