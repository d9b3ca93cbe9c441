"""The platform's LLM, chosen by settings. The default is none: scoring uses rules and nothing
reaches the network (architecture: "nothing in the default configuration reaches the network")."""

from __future__ import annotations

from leadflow.config import Settings, get_settings
from leadflow.integrations.llm.anthropic import Anthropic
from leadflow.integrations.llm.base import LLM
from leadflow.integrations.llm.openai_compatible import OpenAICompatible


class LLMMisconfigured(ValueError):
    """An LLM provider is chosen but a setting it needs is missing."""


def get_llm(settings: Settings | None = None) -> LLM | None:
    """The configured LLM, or None when ``LEADFLOW_LLM_PROVIDER`` is ``none`` (the default)."""
    settings = settings or get_settings()
    if settings.llm_provider == "none":
        return None
    if not settings.llm_model:
        raise LLMMisconfigured(f"LEADFLOW_LLM_MODEL is required for {settings.llm_provider}")
    key = settings.llm_api_key.get_secret_value()
    prices = settings.llm_prices_per_million
    if settings.llm_provider == "anthropic":
        if not key:
            raise LLMMisconfigured("LEADFLOW_LLM_API_KEY is required for anthropic")
        return Anthropic(
            model=settings.llm_model,
            api_key=key,
            base_url=settings.llm_base_url,
            timeout=settings.llm_timeout_seconds,
            prices=prices,
        )
    if not settings.llm_base_url:
        raise LLMMisconfigured(
            "LEADFLOW_LLM_BASE_URL is required for openai_compatible (https://api.openai.com/v1)"
        )
    return OpenAICompatible(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=key,
        timeout=settings.llm_timeout_seconds,
        response_format=settings.llm_response_format,
        prices=prices,
    )
