"""A stackAI hosted flow used as an external scorer, behind the same LLM interface.

What is documented (stackAI's API reference, "Run Deployed Flow"): ``POST
{base}/inference/v0/run/{org_id}/{flow_id}`` with ``Authorization: Bearer <key>``, optional
query ``version`` (-1 = the latest published) and ``verbose``; the body is a JSON object of the
flow's inputs by node id (``in-0``, ``in-1``..., and ``user_id`` for the flow's memory). The
reference declares the 200 response as "any".

What is NOT documented, and implemented as plausible: the answer's shape. stackAI's deploy
snippets and public client code read ``outputs["out-0"]``; we read ``outputs[output_node]``
(``out-0`` unless told) and expect the flow's output node to produce JSON matching the schema
(a string holding JSON, or an object). Token usage is not reported: usage is 0 tokens and cost
0 unless the flow's ``usage`` gives ``input_tokens``/``output_tokens`` (not documented either).

The flow owns its own prompt; we send ours anyway so the flow may use it: the user prompt on
``prompt_node`` (``in-0``), our system prompt with the JSON schema on ``system_node``
(``in-1``; None to leave it out). Lead text stays in the prompt node, delimited by the caller.
"""

from __future__ import annotations

import json
from typing import Any

from leadflow.integrations.http import Sleep
from leadflow.integrations.llm.base import (
    Correction,
    Reply,
    Structured,
    T,
    decode_json,
    repair_instruction,
    structured_with_repair,
)
from leadflow.integrations.llm.calls import (
    llm_client,
    llm_timeout,
    read_envelope,
    token_count,
    unreadable,
)
from leadflow.integrations.policy import ProviderPolicy

STACKAI_URL = "https://api.stack-ai.com"


class StackAIFlow:
    provider = "stackai"

    def __init__(
        self,
        *,
        org_id: str,
        flow_id: str,
        api_key: str,
        base_url: str = STACKAI_URL,
        prompt_node: str = "in-0",
        system_node: str | None = "in-1",
        output_node: str = "out-0",
        user_id: str | None = None,
        timeout: float = 60,
        policy: ProviderPolicy | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.model = f"flow:{flow_id}"
        self.path = f"inference/v0/run/{org_id}/{flow_id}"
        self.prompt_node = prompt_node
        self.system_node = system_node
        self.output_node = output_node
        self.user_id = user_id
        self._client = llm_client(
            self.provider,
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
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
        max_tokens: int = 800,  # the flow's own setting governs; kept for the interface
        timeout: float | None = None,
    ) -> Structured[T]:
        shape = json.dumps(schema.model_json_schema(), separators=(",", ":"))
        instructions = f"{system}\n\nAnswer with one JSON object matching this schema:\n{shape}"

        def ask(correction: Correction | None) -> Reply:
            inputs: dict[str, Any] = {self.prompt_node: prompt}
            if correction is not None:
                earlier = correction.reply.turn
                inputs[self.prompt_node] = (
                    f"{prompt}\n\nYour previous answer was:\n{earlier}\n\n"
                    f"{repair_instruction(correction.error)}"
                )
            if self.system_node:
                inputs[self.system_node] = instructions
            if self.user_id:
                inputs["user_id"] = self.user_id
            return self._run(inputs, timeout)

        return structured_with_repair(
            provider=self.provider, model=self.model, schema=schema, ask=ask
        )

    def _run(self, inputs: dict[str, Any], timeout: float | None) -> Reply:
        options: dict[str, Any] = {"json": inputs}  # version: the published one, by default
        if timeout is not None:
            options["timeout"] = llm_timeout(timeout, self._client.policy)
        response = self._client.request_sync("POST", self.path, **options)
        envelope = read_envelope(response, self.provider, self.model)
        outputs = envelope.get("outputs")
        if not isinstance(outputs, dict) or self.output_node not in outputs:
            raise unreadable(self.provider, self.model, f"outputs[{self.output_node!r}]")
        answer = outputs[self.output_node]
        text = answer if isinstance(answer, str) else json.dumps(answer)
        usage = envelope.get("usage")
        return Reply(
            output=decode_json(answer) if isinstance(answer, str) else answer,
            input_tokens=token_count(usage, "input_tokens"),
            output_tokens=token_count(usage, "output_tokens"),
            turn=text,
        )
