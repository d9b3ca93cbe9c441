"""An Anthropic account's settings: a workspace's own, or the platform's, from
``LEADFLOW_LLM_*`` with ``LEADFLOW_LLM_PROVIDER=anthropic``."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from leadflow.config import Settings
from leadflow.integrations.anthropic.messages import ANTHROPIC_URL
from leadflow.integrations.llm.endpoints import (
    MODEL_PATTERN,
    check_base_url,
    platform_model,
    url_address,
)
from leadflow.integrations.vendor import Address, PlatformMisconfigured, ProviderSettings

PROVIDER = "anthropic"


class AnthropicSettings(ProviderSettings):
    model: str = Field(pattern=MODEL_PATTERN, description="claude-haiku-4-5, claude-sonnet-4...")
    api_key: SecretStr = Field(min_length=8, max_length=500, description="The API key")
    base_url: str = Field(
        default=ANTHROPIC_URL, max_length=500, description="Anthropic's API, or a gateway to it"
    )
    timeout_seconds: float = Field(default=20, gt=0, le=120, description="Wait for an answer")

    _base_url = field_validator("base_url")(check_base_url)


def address(settings: AnthropicSettings) -> Address | None:
    return url_address(settings.base_url)


def from_platform(settings: Settings) -> AnthropicSettings | None:
    model = platform_model(settings, PROVIDER)
    if model is None:
        return None
    if not settings.llm_api_key.get_secret_value():
        raise PlatformMisconfigured("LEADFLOW_LLM_API_KEY is required for anthropic")
    return AnthropicSettings.model_construct(
        model=model,
        api_key=settings.llm_api_key,
        base_url=settings.llm_base_url or ANTHROPIC_URL,
        timeout_seconds=settings.llm_timeout_seconds,
    )
