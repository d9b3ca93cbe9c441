"""The LLM interface (:mod:`.base`) and a scripted local model for tests (:mod:`.local`). The
vendors that implement it (any OpenAI-compatible endpoint, Anthropic, a stackAI flow as an
external scorer) live in their own packages; a workspace's model is chosen by
``leadflow.providers``, none by default (rules only, no network)."""

from leadflow.integrations.llm.base import (
    LLM,
    UNTRUSTED_NOTE,
    LLMFailed,
    Structured,
    untrusted,
)

__all__ = ["LLM", "UNTRUSTED_NOTE", "LLMFailed", "Structured", "untrusted"]
