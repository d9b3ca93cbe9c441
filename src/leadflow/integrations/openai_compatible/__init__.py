"""Any OpenAI-compatible Chat Completions endpoint as an LLM: OpenAI, Cerebras, Groq, DeepSeek,
a TrueFoundry gateway, vLLM, Ollama."""

from __future__ import annotations

from leadflow.config import get_settings
from leadflow.integrations.openai_compatible import settings
from leadflow.integrations.openai_compatible.chat import OpenAICompatible
from leadflow.integrations.openai_compatible.settings import OpenAICompatibleSettings
from leadflow.integrations.vendor import Vendor


def llm(account: OpenAICompatibleSettings) -> OpenAICompatible:
    return OpenAICompatible(
        base_url=account.base_url,
        model=account.model,
        api_key=account.api_key.get_secret_value(),
        timeout=account.timeout_seconds,
        response_format=account.response_format,
        prices=get_settings().llm_prices_per_million,
    )


VENDOR = Vendor(
    slug=settings.PROVIDER,
    title="OpenAI-compatible LLM (OpenAI, Groq, DeepSeek, vLLM, Ollama...)",
    settings=OpenAICompatibleSettings,
    platform=settings.from_platform,
    llm=llm,
    address=settings.address,
)

__all__ = ["VENDOR", "OpenAICompatible", "OpenAICompatibleSettings"]
