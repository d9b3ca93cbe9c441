"""How patiently one provider is called: timeouts, attempts, backoff, breaker thresholds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from leadflow.config import get_settings

# Worth another try: throttled, or the vendor's side failed in a way that passes.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class ProviderPolicy:
    timeout: httpx.Timeout
    max_attempts: int
    backoff_base: float  # seconds before the first retry, doubling after, with jitter
    backoff_cap: float
    retry_after_cap: float  # wait at most this long in-process on a Retry-After
    breaker_failures: int
    breaker_cooldown: float

    @classmethod
    def from_settings(cls) -> ProviderPolicy:
        settings = get_settings()
        return cls(
            timeout=httpx.Timeout(
                settings.provider_timeout_seconds,
                connect=settings.provider_connect_timeout_seconds,
            ),
            max_attempts=settings.provider_max_attempts,
            backoff_base=0.5,
            backoff_cap=8.0,
            retry_after_cap=settings.provider_retry_after_cap_seconds,
            breaker_failures=settings.provider_breaker_failures,
            breaker_cooldown=settings.provider_breaker_cooldown_seconds,
        )

    def but(self, **changes: Any) -> ProviderPolicy:
        """This policy with some fields changed: ``policy.but(max_attempts=2)``."""
        return replace(self, **changes)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks us to wait: delta-seconds or an HTTP-date
    (RFC 9110 §10.2.3). None when absent or unreadable; never negative."""
    if not value or not (value := value.strip()):
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())
