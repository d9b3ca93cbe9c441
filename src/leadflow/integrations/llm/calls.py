"""How LLM adapters go out: the shared provider client with an LLM's timeout, and envelopes
read defensively (a vendor's answer is untrusted input)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from leadflow.integrations.http import ProviderClient, Sleep
from leadflow.integrations.llm.base import LLMFailed, provider_error
from leadflow.integrations.policy import ProviderPolicy


def llm_timeout(seconds: float, policy: ProviderPolicy | None = None) -> httpx.Timeout:
    """``seconds`` to read the answer (models think before they write); connecting stays
    quick."""
    connect = (policy or ProviderPolicy.from_settings()).timeout.connect or seconds
    return httpx.Timeout(seconds, connect=min(connect, seconds))


def llm_client(
    provider: str,
    *,
    base_url: str,
    headers: Mapping[str, str],
    timeout: float,
    policy: ProviderPolicy | None = None,
    sleep: Sleep | None = None,
) -> ProviderClient:
    """The shared client for ``provider``: its retries, breaker and this read timeout."""
    policy = policy or ProviderPolicy.from_settings()
    return ProviderClient(
        provider,
        base_url=base_url,
        headers=headers,
        policy=policy.but(timeout=llm_timeout(timeout, policy)),
        sleep=sleep,
        account=base_url,
    )


def read_envelope(response: httpx.Response, provider: str, model: str) -> dict[str, Any]:
    """The JSON object a vendor answered; LLMFailed when it is not one."""
    try:
        body = response.json()
    except ValueError as error:
        raise provider_error(provider, model, f"{provider} answered something not JSON") from error
    if not isinstance(body, dict):
        raise provider_error(provider, model, f"{provider} answered JSON that is not an object")
    return body


def token_count(usage: Any, key: str) -> int:
    value = usage.get(key) if isinstance(usage, dict) else None
    return value if isinstance(value, int) and value >= 0 else 0


def unreadable(provider: str, model: str, what: str) -> LLMFailed:
    return provider_error(provider, model, f"{provider} answered without {what}")
