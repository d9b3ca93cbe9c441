"""An OpenAI-compatible endpoint's settings: a workspace's own (OpenAI, Groq, a gateway...), or
the platform's, from ``LEADFLOW_LLM_*`` with ``LEADFLOW_LLM_PROVIDER=openai_compatible``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from leadflow.config import Settings
from leadflow.integrations.llm.endpoints import (
    MODEL_PATTERN,
    check_base_url,
    platform_model,
    url_address,
)
from leadflow.integrations.vendor import Address, PlatformMisconfigured, ProviderSettings

PROVIDER = "openai_compatible"


class OpenAICompatibleSettings(ProviderSettings):
    base_url: str = Field(
        max_length=500,
        description="Up to and including /v1: https://api.openai.com/v1, "
        "https://api.groq.com/openai/v1...",
    )
    model: str = Field(pattern=MODEL_PATTERN, description="gpt-4o-mini, llama-3.3-70b...")
    api_key: SecretStr = Field(default=SecretStr(""), max_length=500, description="The API key")
    timeout_seconds: float = Field(default=20, gt=0, le=120, description="Wait for an answer")
    response_format: Literal["json_schema", "json_object"] = Field(
        default="json_schema",
        description="json_object for servers without structured outputs",
    )

    _base_url = field_validator("base_url")(check_base_url)


def address(settings: OpenAICompatibleSettings) -> Address | None:
    return url_address(settings.base_url)


def from_platform(settings: Settings) -> OpenAICompatibleSettings | None:
    model = platform_model(settings, PROVIDER)
    if model is None:
        return None
    if not settings.llm_base_url:
        raise PlatformMisconfigured(
            "LEADFLOW_LLM_BASE_URL is required for openai_compatible (https://api.openai.com/v1)"
        )
    return OpenAICompatibleSettings.model_construct(
        base_url=settings.llm_base_url,
        model=model,
        api_key=settings.llm_api_key,
        timeout_seconds=settings.llm_timeout_seconds,
        response_format=settings.llm_response_format,
    )
