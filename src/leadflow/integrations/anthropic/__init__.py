"""Anthropic's Messages API as an LLM."""

from __future__ import annotations

from leadflow.config import get_settings
from leadflow.integrations.anthropic import settings
from leadflow.integrations.anthropic.messages import Anthropic
from leadflow.integrations.anthropic.settings import AnthropicSettings
from leadflow.integrations.vendor import Vendor


def llm(account: AnthropicSettings) -> Anthropic:
    return Anthropic(
        model=account.model,
        api_key=account.api_key.get_secret_value(),
        base_url=account.base_url,
        timeout=account.timeout_seconds,
        prices=get_settings().llm_prices_per_million,
    )


VENDOR = Vendor(
    slug=settings.PROVIDER,
    title="Anthropic (Claude)",
    settings=AnthropicSettings,
    platform=settings.from_platform,
    llm=llm,
    address=settings.address,
)

__all__ = ["VENDOR", "Anthropic", "AnthropicSettings"]
