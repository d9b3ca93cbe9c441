"""Anthropic's Messages API: ``POST {base}/v1/messages`` with ``x-api-key`` and
``anthropic-version: 2023-06-01``.

Structured output is one tool whose ``input_schema`` is the pydantic schema, forced with
``tool_choice`` ``{"type": "tool", "name": ...}``; the answer is that ``tool_use`` block's
``input``. A repair replays the ``tool_use`` turn and answers it with a ``tool_result`` marked
``is_error`` carrying the validation errors, as the API expects after a tool call.
"""

from __future__ import annotations

from typing import Any

from leadflow.integrations.http import Sleep
from leadflow.integrations.llm.base import (
    Correction,
    Reply,
    Structured,
    T,
    decode_json,
    provider_error,
    repair_instruction,
    schema_name,
    structured_with_repair,
)
from leadflow.integrations.llm.calls import (
    llm_client,
    llm_timeout,
    read_envelope,
    token_count,
    unreadable,
)
from leadflow.integrations.llm.prices import PricePerMillion
from leadflow.integrations.policy import ProviderPolicy

ANTHROPIC_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"


class Anthropic:
    provider = "anthropic"

    def __init__(
        self,
        *,
        model: str,
        api_key: str,
        base_url: str = ANTHROPIC_URL,
        timeout: float = 20,
        prices: dict[str, PricePerMillion] | None = None,
        policy: ProviderPolicy | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.model = model
        self.prices = prices
        self._client = llm_client(
            self.provider,
            base_url=base_url or ANTHROPIC_URL,
            headers={
                "x-api-key": api_key,
                "anthropic-version": ANTHROPIC_VERSION,
                "content-type": "application/json",
            },
            timeout=timeout,
            policy=policy,
            sleep=sleep,
        )

    def structured(
        self,
        *,
        system: str,
        prompt: str,
        schema: type[T],
        max_tokens: int = 800,
        timeout: float | None = None,
    ) -> Structured[T]:
        name = schema_name(schema)
        tool = {
            "name": name,
            "description": "Records the answer. Call it exactly once with the complete answer.",
            "input_schema": schema.model_json_schema(),
        }
        first: list[dict[str, Any]] = [{"role": "user", "content": prompt}]

        def ask(correction: Correction | None) -> Reply:
            messages = first + (self._repair(correction) if correction else [])
            body = {
                "model": self.model,
                "max_tokens": max_tokens,
                "system": system,
                "messages": messages,
                "tools": [tool],
                "tool_choice": {"type": "tool", "name": name},
                "temperature": 0,
            }
            return self._send(body, name, timeout)

        return structured_with_repair(
            provider=self.provider, model=self.model, schema=schema, ask=ask, prices=self.prices
        )

    @staticmethod
    def _repair(correction: Correction) -> list[dict[str, Any]]:
        block = correction.reply.turn
        instruction = repair_instruction(correction.error)
        if isinstance(block, dict) and block.get("type") == "tool_use":
            result = {
                "type": "tool_result",
                "tool_use_id": block.get("id"),
                "content": instruction,
                "is_error": True,
            }
            return [
                {"role": "assistant", "content": [block]},
                {"role": "user", "content": [result]},
            ]
        said = block if isinstance(block, str) and block.strip() else "(no answer)"
        return [
            {"role": "assistant", "content": said},
            {"role": "user", "content": instruction},
        ]

    def _send(self, body: dict[str, Any], tool_name: str, timeout: float | None) -> Reply:
        options: dict[str, Any] = {"json": body}
        if timeout is not None:
            options["timeout"] = llm_timeout(timeout, self._client.policy)
        response = self._client.request_sync("POST", "v1/messages", **options)
        return self._read(read_envelope(response, self.provider, self.model), tool_name)

    def _read(self, envelope: dict[str, Any], tool_name: str) -> Reply:
        usage = envelope.get("usage")
        tokens_in = token_count(usage, "input_tokens")
        tokens_out = token_count(usage, "output_tokens")
        if envelope.get("stop_reason") == "refusal":
            raise provider_error(
                self.provider,
                self.model,
                "the model refused",
                "refused",
                input_tokens=tokens_in,
                output_tokens=tokens_out,
            )
        content = envelope.get("content")
        if not isinstance(content, list):
            raise unreadable(self.provider, self.model, "content")
        for block in content:
            if isinstance(block, dict) and (block.get("type"), block.get("name")) == (
                "tool_use",
                tool_name,
            ):
                return Reply(block.get("input"), tokens_in, tokens_out, turn=block)
        # No tool call (it wrote text instead): validate the text, repair from it.
        text = "".join(
            str(block.get("text", ""))
            for block in content
            if isinstance(block, dict) and block.get("type") == "text"
        )
        return Reply(decode_json(text), tokens_in, tokens_out, turn=text)
