"""A LlamaParse account's settings: a workspace's own, or the platform's, from
``LEADFLOW_LLAMAPARSE_*`` (its API key set)."""

from __future__ import annotations

from typing import Literal, cast

from pydantic import Field, SecretStr

from leadflow.config import Settings
from leadflow.integrations.vendor import ProviderSettings

LLAMAPARSE_URL = "https://api.cloud.llamaindex.ai"
Region = Literal["https://api.cloud.llamaindex.ai", "https://api.cloud.eu.llamaindex.ai"]


class LlamaParseSettings(ProviderSettings):
    api_key: SecretStr = Field(min_length=8, max_length=500, description="The API key")
    base_url: Region = Field(
        default="https://api.cloud.llamaindex.ai", description="The region: the EU's or the default"
    )
    mode: Literal["scanned", "always"] = Field(
        default="scanned",
        description="scanned: only PDFs whose own text is too sparse to be read; always: every PDF",
    )
    tier: Literal["fast", "cost_effective", "agentic", "agentic_plus"] = Field(
        default="cost_effective", description="The parsing tier (fast has no OCR)"
    )
    timeout_seconds: float = Field(default=300, gt=0, le=1800, description="The whole job")


def from_platform(settings: Settings) -> LlamaParseSettings | None:
    if not settings.llamaparse_api_key.get_secret_value():
        return None
    return LlamaParseSettings.model_construct(
        api_key=settings.llamaparse_api_key,
        base_url=cast(Region, settings.llamaparse_base_url),  # the operator's, as given
        mode=settings.llamaparse_mode,
        tier=settings.llamaparse_tier,
        timeout_seconds=settings.llamaparse_timeout_seconds,
    )
