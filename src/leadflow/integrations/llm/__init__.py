"""LLM providers behind one interface (:mod:`.base`): any OpenAI-compatible endpoint,
Anthropic, a stackAI flow as an external scorer, and a scripted local one. The platform's is
chosen by settings in :func:`.factory.get_llm`, None by default (rules only, no network)."""

from leadflow.integrations.llm.base import (
    LLM,
    UNTRUSTED_NOTE,
    LLMFailed,
    Structured,
    untrusted,
)

__all__ = ["LLM", "UNTRUSTED_NOTE", "LLMFailed", "Structured", "untrusted"]
