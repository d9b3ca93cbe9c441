"""Typed errors, each carrying its HTTP status; one handler renders them as problem+json."""

from __future__ import annotations

import math
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
    """Every 429 says when to come back: Retry-After, in whole seconds, at least one."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: float, **extra: Any) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(message, headers={"Retry-After": str(self.retry_after)}, **extra)


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


# The 4xx statuses that say "not now" rather than "not this": a timeout, too early, throttled.
_LATER_STATUSES = frozenset({408, 425, 429})


def retry_can_mend(error: BaseException) -> bool:
    """Whether the same work, run again, may succeed. A LeadflowError of a 4xx kind says the
    work itself is wrong (a file that cannot be read, a lead that is gone, data a provider
    refused): it fails the same way every time. Anything else (the database away, I/O, a
    provider down or throttling us) may pass later."""
    if isinstance(error, LeadflowError):
        return not 400 <= error.status < 500 or error.status in _LATER_STATUSES
    return True
