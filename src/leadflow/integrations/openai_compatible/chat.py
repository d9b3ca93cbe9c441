"""Any OpenAI-compatible Chat Completions endpoint: OpenAI, Cerebras, Groq, DeepSeek, a
TrueFoundry gateway, vLLM, Ollama — a base URL (up to and including ``/v1``), a model, a key.

``POST {base_url}/chat/completions`` with our system message and the user message, temperature
0 and ``response_format`` ``json_schema`` (the schema from pydantic, ``strict`` false: pydantic
schemas do not meet strict mode's rules, and we validate anyway). Servers without structured
outputs take ``json_object``: the schema then goes in the system message, as JSON mode asks.
The answer is ``choices[0].message.content``; a ``refusal`` there is a refusal.
"""

from __future__ import annotations

import json
from typing import Any, Literal

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

ResponseFormat = Literal["json_schema", "json_object"]


class OpenAICompatible:
    provider = "openai_compatible"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 20,
        response_format: ResponseFormat = "json_schema",
        prices: dict[str, PricePerMillion] | None = None,
        policy: ProviderPolicy | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.model = model
        self.response_format = response_format
        self.prices = prices
        headers = {"Content-Type": "application/json"}
        if api_key:  # a local vLLM or Ollama may take none
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = llm_client(
            self.provider,
            base_url=base_url,
            headers=headers,
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
        messages = [
            {"role": "system", "content": self._system(system, schema)},
            {"role": "user", "content": prompt},
        ]

        def ask(correction: Correction | None) -> Reply:
            turns = list(messages)
            if correction is not None:
                turns += [
                    {"role": "assistant", "content": correction.reply.turn},
                    {"role": "user", "content": repair_instruction(correction.error)},
                ]
            return self._complete(turns, schema, max_tokens, timeout)

        return structured_with_repair(
            provider=self.provider, model=self.model, schema=schema, ask=ask, prices=self.prices
        )

    def _system(self, system: str, schema: type[T]) -> str:
        if self.response_format == "json_schema":
            return system
        shape = json.dumps(schema.model_json_schema(), separators=(",", ":"))
        return f"{system}\n\nAnswer with one JSON object that matches this JSON schema:\n{shape}"

    def _format(self, schema: type[T]) -> dict[str, Any]:
        if self.response_format == "json_object":
            return {"type": "json_object"}
        return {
            "type": "json_schema",
            "json_schema": {
                "name": schema_name(schema),
                "schema": schema.model_json_schema(),
                "strict": False,
            },
        }

    def _complete(
        self,
        messages: list[dict[str, str]],
        schema: type[T],
        max_tokens: int,
        timeout: float | None,
    ) -> Reply:
        body = {
            "model": self.model,
            "messages": messages,
            "response_format": self._format(schema),
            "max_tokens": max_tokens,
            "temperature": 0,
        }
        options: dict[str, Any] = {"json": body}
        if timeout is not None:
            options["timeout"] = llm_timeout(timeout, self._client.policy)
        response = self._client.request_sync("POST", "chat/completions", **options)
        return self._read(read_envelope(response, self.provider, self.model))

    def _read(self, envelope: dict[str, Any]) -> Reply:
        choices = envelope.get("choices")
        first = choices[0] if isinstance(choices, list) and choices else None
        message = first.get("message") if isinstance(first, dict) else None
        if not isinstance(message, dict):
            raise unreadable(self.provider, self.model, "choices[0].message")
        usage = envelope.get("usage")
        tokens_in = token_count(usage, "prompt_tokens")
        tokens_out = token_count(usage, "completion_tokens")
        if message.get("refusal"):
            raise provider_error(
                self.provider,
                self.model,
                f"the model refused: {str(message['refusal'])[:200]}",
                "refused",
                input_tokens=tokens_in,
                output_tokens=tokens_out,
            )
        content = message.get("content")
        text = content if isinstance(content, str) else ""
        return Reply(decode_json(text), tokens_in, tokens_out, turn=text)
