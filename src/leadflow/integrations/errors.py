"""The two kinds of provider error. Adapters raise only these; vendor exceptions stay inside."""

from __future__ import annotations

from typing import Any

from leadflow.exceptions import LeadflowError


class ProviderUnavailable(LeadflowError):
    """Operational: the provider could not be reached, failed (5xx), throttled us (429), or its
    breaker is open. Retried, counted, and worth trying again later."""

    status = 503
    title = "Provider unavailable"

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        retry_after: float | None = None,
        retryable: bool = True,
        **extra: Any,
    ) -> None:
        headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after else None
        super().__init__(message, headers=headers, provider=provider, **extra)
        self.provider = provider
        self.retry_after = retry_after
        self.retryable = retryable


class ProviderRefused(LeadflowError):
    """Logical: the provider answered and refused what we sent (a bad number, a rejected key).
    Retrying changes nothing; the user is shown why."""

    status = 400
    title = "Refused by provider"

    def __init__(
        self, message: str, *, provider: str, provider_status: int, provider_detail: str = ""
    ) -> None:
        super().__init__(
            message,
            provider=provider,
            provider_status=provider_status,
            provider_detail=provider_detail,
        )
        self.provider = provider
        self.provider_status = provider_status
        self.provider_detail = provider_detail
