"""A stackAI flow as an external scorer: the documented run-flow request; the answer read from
``outputs["out-0"]`` (the shape stackAI's deploy snippets use; the reference says "any")."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from leadflow.integrations.llm.base import LLMFailed
from leadflow.integrations.stackai.flow import StackAIFlow
from tests.integrations.llm.conftest import GOOD, OUT_OF_RANGE, Verdict

URL = "https://api.stack-ai.com/inference/v0/run/org-123/flow-456"


def flow(slept, policy, **options) -> StackAIFlow:
    return StackAIFlow(
        org_id="org-123",
        flow_id="flow-456",
        api_key="stack-public-key",
        policy=policy,
        sleep=slept.append,
        **options,
    )


def run_output(answer: object) -> dict:
    return {"outputs": {"out-0": answer}, "run_id": "9c1c1a2e-run"}


@respx.mock
def test_the_flow_gets_our_inputs_and_its_output_is_validated(slept, policy):
    route = respx.post(URL).respond(200, json=run_output(json.dumps(GOOD)))

    result = flow(slept, policy, user_id="workspace-7").structured(
        system="You qualify leads.", prompt="<untrusted>Dana</untrusted>", schema=Verdict
    )

    request = route.calls.last.request
    assert str(request.url) == URL
    assert request.headers["Authorization"] == "Bearer stack-public-key"
    body = json.loads(request.content)
    assert body["in-0"] == "<untrusted>Dana</untrusted>"
    assert body["in-1"].startswith("You qualify leads.")
    assert json.dumps(Verdict.model_json_schema(), separators=(",", ":")) in body["in-1"]
    assert body["user_id"] == "workspace-7"
    assert result.value == Verdict(**GOOD)
    assert (result.provider, result.model) == ("stackai", "flow:flow-456")
    assert (result.tokens, result.cost_micros) == (0, 0)  # the flow reports no usage


@respx.mock
def test_an_object_output_is_taken_as_is_and_a_bad_one_repaired_once(slept, policy):
    route = respx.post(URL)
    route.side_effect = [
        httpx.Response(200, json=run_output(OUT_OF_RANGE)),
        httpx.Response(200, json=run_output(GOOD)),
    ]

    result = flow(slept, policy, system_node=None).structured(
        system="s", prompt="p", schema=Verdict
    )

    second = json.loads(route.calls[1].request.content)
    assert set(second) == {"in-0"}
    assert second["in-0"].startswith("p\n\nYour previous answer was:\n")
    assert "- fit: Input should be less than or equal to 100" in second["in-0"]
    assert result.repaired


@respx.mock
def test_a_missing_output_node_fails(slept, policy):
    respx.post(URL).respond(200, json={"outputs": {"out-1": "{}"}})

    with pytest.raises(LLMFailed) as failed:
        flow(slept, policy).structured(system="s", prompt="p", schema=Verdict)

    assert failed.value.reason == "invalid_output"
