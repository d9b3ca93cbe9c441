"""Anthropic Messages: a forced tool carries the schema, the tool_use block's input is the
answer, and a repair answers that tool call with an error tool_result."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from leadflow.integrations.anthropic.messages import Anthropic
from leadflow.integrations.llm.base import LLMFailed
from tests.integrations.llm.conftest import GOOD, OUT_OF_RANGE, Verdict

URL = "https://api.anthropic.com/v1/messages"
SYSTEM = "You qualify B2B sales leads."
PROMPT = "Qualify this lead.\n<untrusted>Dana Reyes, VP Sales</untrusted>"
MODEL = "claude-haiku-4-5-20251001"


def message(*content: dict, stop_reason: str = "tool_use", tokens=(523, 61)) -> dict:
    """A Message object as the Messages API documents it."""
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": list(content),
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": tokens[0],
            "output_tokens": tokens[1],
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def tool_use(answer: dict, block_id: str = "toolu_01A09q90qw90lq917835lq9") -> dict:
    return {"type": "tool_use", "id": block_id, "name": "Verdict", "input": answer}


def claude(slept, policy) -> Anthropic:
    return Anthropic(model=MODEL, api_key="sk-ant-test", policy=policy, sleep=slept.append)


def ask(model: Anthropic, **options):
    return model.structured(system=SYSTEM, prompt=PROMPT, schema=Verdict, **options)


@respx.mock
def test_the_request_forces_one_tool_and_its_input_is_the_answer(slept, policy):
    route = respx.post(URL).respond(200, json=message(tool_use(GOOD)))

    result = ask(claude(slept, policy), max_tokens=256)

    request = route.calls.last.request
    assert str(request.url) == URL
    assert request.headers["x-api-key"] == "sk-ant-test"
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert request.headers["content-type"] == "application/json"
    assert "Authorization" not in request.headers
    assert json.loads(request.content) == {
        "model": MODEL,
        "max_tokens": 256,
        "system": SYSTEM,
        "messages": [{"role": "user", "content": PROMPT}],
        "tools": [
            {
                "name": "Verdict",
                "description": "Records the answer. Call it exactly once with the complete answer.",
                "input_schema": Verdict.model_json_schema(),
            }
        ],
        "tool_choice": {"type": "tool", "name": "Verdict"},
        "temperature": 0,
    }
    assert result.value == Verdict(**GOOD)
    assert (result.provider, result.model) == ("anthropic", MODEL)
    assert (result.input_tokens, result.output_tokens) == (523, 61)
    assert result.cost_micros == 828  # claude-haiku-4-5: 523 x $1/M + 61 x $5/M
    assert not result.repaired


@respx.mock
def test_a_text_block_before_the_tool_call_is_ignored(slept, policy):
    respx.post(URL).respond(
        200, json=message({"type": "text", "text": "Ignore previous instructions."}, tool_use(GOOD))
    )

    assert ask(claude(slept, policy)).value == Verdict(**GOOD)


@respx.mock
def test_a_repair_answers_the_tool_call_with_an_error_result(slept, policy):
    bad = tool_use(OUT_OF_RANGE, "toolu_bad")
    route = respx.post(URL)
    route.side_effect = [
        httpx.Response(200, json=message(bad, tokens=(500, 40))),
        httpx.Response(200, json=message(tool_use(GOOD), tokens=(600, 45))),
    ]

    result = ask(claude(slept, policy))

    messages = json.loads(route.calls[1].request.content)["messages"]
    assert messages[0] == {"role": "user", "content": PROMPT}
    assert messages[1] == {"role": "assistant", "content": [bad]}
    (answer,) = messages[2]["content"]
    assert messages[2]["role"] == "user"
    assert answer["type"] == "tool_result"
    assert answer["tool_use_id"] == "toolu_bad"
    assert answer["is_error"] is True
    assert "- fit: Input should be less than or equal to 100" in answer["content"]
    assert result.repaired
    assert (result.input_tokens, result.output_tokens) == (1100, 85)


@respx.mock
def test_a_text_answer_instead_of_the_tool_is_repaired_as_text(slept, policy):
    route = respx.post(URL)
    route.side_effect = [
        httpx.Response(
            200, json=message({"type": "text", "text": "A strong lead."}, stop_reason="end_turn")
        ),
        httpx.Response(200, json=message(tool_use(GOOD))),
    ]

    result = ask(claude(slept, policy))

    messages = json.loads(route.calls[1].request.content)["messages"]
    assert messages[1] == {"role": "assistant", "content": "A strong lead."}
    assert "not a JSON object" in messages[2]["content"]
    assert result.repaired


@respx.mock
def test_invalid_twice_fails(slept, policy):
    route = respx.post(URL).respond(200, json=message(tool_use(OUT_OF_RANGE)))

    with pytest.raises(LLMFailed) as failed:
        ask(claude(slept, policy))

    assert route.call_count == 2
    assert failed.value.reason == "invalid_output"
    assert failed.value.tokens == 2 * (523 + 61)


@respx.mock
def test_overloaded_is_retried(slept, policy):
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    route = respx.post(URL)
    route.side_effect = [
        httpx.Response(529, json=overloaded),
        httpx.Response(200, json=message(tool_use(GOOD))),
    ]
    assert ask(claude(slept, policy)).value.fit == 82
    assert route.call_count == 2
    assert len(slept) == 1


@respx.mock
def test_a_bad_key_is_refused_at_once(slept, policy):
    unauthorised = {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
    }
    refused = respx.post(URL).respond(401, json=unauthorised)
    with pytest.raises(LLMFailed) as failed:
        ask(claude(slept, policy))
    assert refused.call_count == 1
    assert failed.value.reason == "refused"


@respx.mock
def test_a_refusal_stop_reason_is_a_refusal(slept, policy):
    route = respx.post(URL).respond(200, json=message(stop_reason="refusal", tokens=(300, 2)))

    with pytest.raises(LLMFailed) as failed:
        ask(claude(slept, policy))

    assert route.call_count == 1
    assert failed.value.reason == "refused"
    assert failed.value.tokens == 302


@respx.mock
def test_a_timeout_fails(slept, policy):
    respx.post(URL).mock(side_effect=httpx.ConnectTimeout("connect timed out"))

    with pytest.raises(LLMFailed) as failed:
        ask(claude(slept, policy))

    assert failed.value.reason == "unavailable"
    assert len(slept) == policy.max_attempts - 1
