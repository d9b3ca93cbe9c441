"""The local LLM: answers scripted in advance, offline. For tests and demos of code that takes
an ``LLM``: it validates and repairs exactly as the real adapters do, so a caller's fallback
paths can be exercised without a network. (Production without a provider uses no LLM at all:
no model is resolved and scoring falls back to rules.)"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from leadflow.integrations.llm.base import (
    Correction,
    LLMFailed,
    Reply,
    Structured,
    T,
    decode_json,
    structured_with_repair,
)


class ScriptedLLM:
    """Each call takes the next scripted answer: a dict (the JSON the model "wrote"), a str
    (raw text, JSON or not), or an exception to raise (``LLMFailed``, ``ProviderUnavailable``).
    Every request is kept in ``requests`` (system, prompt, schema name, correction)."""

    provider = "local"

    def __init__(
        self, answers: Iterable[dict[str, Any] | str | Exception], *, model: str = "scripted"
    ) -> None:
        self.model = model
        self._answers = deque(answers)
        self.requests: list[dict[str, Any]] = []

    def structured(
        self,
        *,
        system: str,
        prompt: str,
        schema: type[T],
        max_tokens: int = 800,
        timeout: float | None = None,
    ) -> Structured[T]:
        def ask(correction: Correction | None) -> Reply:
            self.requests.append(
                {
                    "system": system,
                    "prompt": prompt,
                    "schema": schema.__name__,
                    "correction": correction.error if correction else None,
                }
            )
            if not self._answers:
                raise LLMFailed(
                    "no scripted answer left",
                    provider=self.provider,
                    model=self.model,
                    reason="unavailable",
                )
            answer = self._answers.popleft()
            if isinstance(answer, Exception):
                raise answer
            output = decode_json(answer) if isinstance(answer, str) else answer
            return Reply(output, input_tokens=len(prompt) // 4, output_tokens=0, turn=answer)

        return structured_with_repair(
            provider=self.provider, model=self.model, schema=schema, ask=ask
        )
