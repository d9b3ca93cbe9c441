"""OpenAI-compatible Chat Completions: the exact request, structured outputs, one repair,
the shared policy's retries and the two kinds of failure, all as LLMFailed."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from leadflow.integrations.llm.base import UNTRUSTED_NOTE, LLMFailed, untrusted
from leadflow.integrations.openai_compatible.chat import OpenAICompatible
from tests.integrations.llm.conftest import GOOD, OUT_OF_RANGE, Verdict

BASE = "https://api.openai.test/v1"
URL = f"{BASE}/chat/completions"
SYSTEM = f"You qualify B2B sales leads. {UNTRUSTED_NOTE}"
PROMPT = "Qualify this lead.\n" + untrusted("Dana Reyes, VP Sales, Acme (200 staff)", label="lead")


def completion(content: str, prompt_tokens: int = 412, completion_tokens: int = 38, **message):
    """A chat.completion object as the API reference documents it."""
    return {
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None, **message},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "system_fingerprint": "fp_06737a9306",
    }


def llm(slept, policy, **options) -> OpenAICompatible:
    return OpenAICompatible(
        base_url=BASE,
        model="gpt-4o-mini",
        api_key="sk-test-key",
        policy=policy,
        sleep=slept.append,
        **options,
    )


def ask(model: OpenAICompatible, **options):
    return model.structured(system=SYSTEM, prompt=PROMPT, schema=Verdict, **options)


@respx.mock
def test_the_request_is_structured_outputs_and_the_answer_is_validated(slept, policy):
    route = respx.post(URL).respond(200, json=completion(json.dumps(GOOD)))

    result = ask(llm(slept, policy), max_tokens=300)

    assert route.call_count == 1
    request = route.calls.last.request
    assert str(request.url) == URL
    assert request.headers["Authorization"] == "Bearer sk-test-key"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": PROMPT},
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "Verdict",
                "schema": Verdict.model_json_schema(),
                "strict": False,
            },
        },
        "max_tokens": 300,
        "temperature": 0,
    }
    assert result.value == Verdict(**GOOD)
    assert (result.provider, result.model) == ("openai_compatible", "gpt-4o-mini")
    assert (result.input_tokens, result.output_tokens) == (412, 38)
    assert result.cost_micros == 85  # 412 x $0.15/M + 38 x $0.60/M = 84.6 micros
    assert result.repaired is False
    assert slept == []


@respx.mock
def test_invalid_json_is_sent_back_once_and_the_repair_is_used(slept, policy):
    route = respx.post(URL)
    route.side_effect = [
        httpx.Response(200, json=completion('{"persona": "buyer", "fit": 82,', 400, 12)),
        httpx.Response(200, json=completion(json.dumps(GOOD), 470, 40)),
    ]

    result = ask(llm(slept, policy))

    assert route.call_count == 2
    messages = json.loads(route.calls[1].request.content)["messages"]
    assert messages[:2] == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": PROMPT},
    ]
    assert messages[2] == {"role": "assistant", "content": '{"persona": "buyer", "fit": 82,'}
    assert messages[3]["role"] == "user"
    assert "not a JSON object" in messages[3]["content"]
    assert "corrected JSON" in messages[3]["content"]
    assert result.value == Verdict(**GOOD)
    assert result.repaired is True
    assert (result.input_tokens, result.output_tokens) == (870, 52)  # both calls count


@respx.mock
def test_the_repair_names_the_failing_field_without_echoing_the_input(slept, policy):
    route = respx.post(URL)
    route.side_effect = [
        httpx.Response(200, json=completion(json.dumps(OUT_OF_RANGE))),
        httpx.Response(200, json=completion(json.dumps(GOOD))),
    ]

    ask(llm(slept, policy))

    repair = json.loads(route.calls[1].request.content)["messages"][3]["content"]
    assert "- fit: Input should be less than or equal to 100" in repair
    assert "820" not in repair


@respx.mock
def test_invalid_twice_fails_with_the_tokens_spent(slept, policy):
    route = respx.post(URL).respond(200, json=completion(json.dumps(OUT_OF_RANGE), 400, 30))

    with pytest.raises(LLMFailed) as failed:
        ask(llm(slept, policy))

    assert route.call_count == 2  # one repair, no more
    assert failed.value.reason == "invalid_output"
    assert (failed.value.input_tokens, failed.value.output_tokens) == (800, 60)
    assert failed.value.cost_micros == 156  # 800 x 0.15 + 60 x 0.60


@respx.mock
def test_a_timeout_fails_after_the_policys_attempts(slept, policy):
    route = respx.post(URL).mock(side_effect=httpx.ReadTimeout("read timed out"))

    with pytest.raises(LLMFailed) as failed:
        ask(llm(slept, policy.but(max_attempts=2)), timeout=5)

    assert route.call_count == 2
    assert failed.value.reason == "unavailable"
    assert failed.value.tokens == 0
    assert route.calls.last.request.extensions["timeout"]["read"] == 5


@respx.mock
def test_the_llm_timeout_setting_is_the_read_timeout(slept, policy):
    route = respx.post(URL).respond(200, json=completion(json.dumps(GOOD)))

    ask(llm(slept, policy, timeout=12))

    timeout = route.calls.last.request.extensions["timeout"]
    assert timeout["read"] == 12
    assert timeout["connect"] == policy.timeout.connect


@respx.mock
def test_429_is_retried_after_what_retry_after_asks(slept, policy):
    route = respx.post(URL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "3"}, json={"error": {"type": "tokens"}}),
        httpx.Response(200, json=completion(json.dumps(GOOD))),
    ]

    result = ask(llm(slept, policy))

    assert route.call_count == 2
    assert slept == [3.0]
    assert result.value.fit == 82
    assert result.repaired is False  # a retry of the same request is not a repair


@respx.mock
def test_a_rejected_key_is_a_refusal_and_is_not_retried(slept, policy):
    error = {
        "error": {
            "message": "Incorrect API key provided: sk-test-key.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    }
    route = respx.post(URL).respond(401, json=error)

    with pytest.raises(LLMFailed) as failed:
        ask(llm(slept, policy))

    assert route.call_count == 1
    assert failed.value.reason == "refused"
    assert slept == []


@respx.mock
def test_a_model_refusal_is_a_refusal_without_a_repair(slept, policy):
    route = respx.post(URL).respond(
        200, json=completion(None, refusal="I'm sorry, I can't help with that.")
    )

    with pytest.raises(LLMFailed) as failed:
        ask(llm(slept, policy))

    assert route.call_count == 1
    assert failed.value.reason == "refused"
    assert failed.value.input_tokens == 412


@respx.mock
def test_an_unreadable_envelope_fails_without_a_repair(slept, policy):
    route = respx.post(URL).respond(200, text="<html>gateway</html>")

    with pytest.raises(LLMFailed) as failed:
        ask(llm(slept, policy))

    assert route.call_count == 1
    assert failed.value.reason == "invalid_output"


@respx.mock
def test_json_object_mode_puts_the_schema_in_the_system_message(slept, policy):
    route = respx.post("http://localhost:11434/v1/chat/completions").respond(
        200, json=completion("```json\n" + json.dumps(GOOD) + "\n```")
    )
    local = OpenAICompatible(
        base_url="http://localhost:11434/v1",
        model="llama3.2",
        response_format="json_object",
        policy=policy,
        sleep=slept.append,
    )

    result = ask(local)

    request = route.calls.last.request
    assert "Authorization" not in request.headers  # Ollama takes no key
    body = json.loads(request.content)
    assert body["response_format"] == {"type": "json_object"}
    system = body["messages"][0]["content"]
    assert system.startswith(SYSTEM)
    assert json.dumps(Verdict.model_json_schema(), separators=(",", ":")) in system
    assert result.value == Verdict(**GOOD)
    assert result.cost_micros == 0  # no price known for a local model
