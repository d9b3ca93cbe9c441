"""What every hosted model's account shares: a model name, a key, a timeout, and for an
endpoint a workspace names, the address leadflow will call (checked by the SSRF guard)."""

from __future__ import annotations

from urllib.parse import urlsplit

from leadflow.config import Settings
from leadflow.integrations.vendor import Address, PlatformMisconfigured

MODEL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$"


def url_address(url: str) -> Address | None:
    """(host, port) of an http(s) URL; None when it has no host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def check_base_url(url: str) -> str:
    """An http(s) URL with a host and nothing after its path (no credentials, no query)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("expected an http or https URL, e.g. https://api.openai.com/v1")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("the base URL takes no credentials, query or fragment")
    return url.rstrip("/")


def platform_model(settings: Settings, provider: str) -> str | None:
    """The platform's model when ``LEADFLOW_LLM_PROVIDER`` is ``provider``; None otherwise."""
    if settings.llm_provider != provider:
        return None
    if not settings.llm_model:
        raise PlatformMisconfigured(f"LEADFLOW_LLM_MODEL is required for {provider}")
    return settings.llm_model
