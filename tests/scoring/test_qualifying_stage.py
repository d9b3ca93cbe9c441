"""The qualifying stage reads what the lead wrote: with the LLM when one is configured, by rules
otherwise or when the LLM fails; the lead is never stuck."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
import respx

from leadflow.config import get_settings
from tests.builders import settle_jobs

WROTE = "We need a CRM for our 20 agents. Budget is SAR 200,000 and it is urgent. I'm the CEO."
LLM_URL = "https://llm.example.test/v1/chat/completions"


def arrive(api) -> int:
    body = {"email": "huda@clinic.sa", "custom_fields": {"message": WROTE}}
    response = api.post("/api/v1/leads", json=body)
    assert response.status_code == 201, response.text
    return response.json()["lead"]["id"]


@pytest.fixture
def llm_configured(monkeypatch):
    monkeypatch.setenv("LEADFLOW_LLM_PROVIDER", "openai_compatible")
    monkeypatch.setenv("LEADFLOW_LLM_BASE_URL", "https://llm.example.test/v1")
    monkeypatch.setenv("LEADFLOW_LLM_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("LEADFLOW_LLM_API_KEY", "sk-test")
    monkeypatch.setenv("LEADFLOW_LLM_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_without_an_llm_the_rules_read_the_message_and_it_counts(api):
    lead_id = arrive(api)

    settle_jobs()

    lead = api.get(f"/api/v1/leads/{lead_id}").json()
    assert lead["stage"] == "completed"
    assert sum(r["points"] for r in lead["score_reasons"]) == lead["score"]
    texts = {r["text"] for r in lead["score_reasons"]}
    assert "stated a budget (SAR 200000)" in texts
    assert "makes the buying decision" in texts


def _completion(content: str) -> dict:
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160},
    }  # fmt: skip


def test_with_an_llm_configured_it_answers(api, session, llm_configured):
    answer = {
        "budget": {"amount": "150000", "currency": "SAR"},
        "authority": {"decision_maker": True},
        "need": {"text": "a CRM for 20 agents"},
        "urgency": {"level": "high"},
    }
    with respx.mock(assert_all_called=True) as outside:
        route = outside.post(LLM_URL).respond(200, json=_completion(json.dumps(answer)))
        lead_id = arrive(api)
        settle_jobs()

    sent = json.loads(route.calls.last.request.content)
    assert sent["model"] == "gpt-4o-mini"
    assert sent["response_format"]["type"] == "json_schema"
    assert WROTE in sent["messages"][-1]["content"]
    lead = api.get(f"/api/v1/leads/{lead_id}").json()
    assert "stated a budget (SAR 150000)" in {r["text"] for r in lead["score_reasons"]}
    usage = api.get("/api/v1/usage", params={"period": "day"}).json()
    assert "llm_tokens" in str(usage)
    assert "160" in str(usage)  # the completion's prompt + completion tokens


@pytest.mark.parametrize("failure", ["timeout", "garbage"])
def test_when_the_llm_fails_the_rules_answer_and_the_lead_is_not_stuck(
    api, llm_configured, failure
):
    with respx.mock() as outside:
        route = outside.post(LLM_URL)
        if failure == "timeout":
            route.mock(side_effect=httpx.ReadTimeout("slow"))
        else:
            route.respond(200, json=_completion("this is not JSON at all"))
        lead_id = arrive(api)
        settle_jobs()

    lead = api.get(f"/api/v1/leads/{lead_id}").json()
    assert lead["stage"] == "completed"
    assert "stated a budget (SAR 200000)" in {r["text"] for r in lead["score_reasons"]}


def test_while_the_llm_answers_other_writes_go_ahead(api, llm_configured):
    asked, written = threading.Event(), threading.Event()

    def slow_answer(request):
        asked.set()
        written.wait(10)  # answers once the other write is done, or after 10 s
        return httpx.Response(200, json=_completion(json.dumps({"need": {"text": "a CRM"}})))

    with respx.mock() as outside:
        outside.post(LLM_URL).mock(side_effect=slow_answer)
        lead_id = arrive(api)
        worker = threading.Thread(target=settle_jobs)
        worker.start()
        assert asked.wait(30), "the qualifying stage never asked the LLM"
        began = time.monotonic()
        other = api.post("/api/v1/leads", json={"email": "meanwhile@example.com"})
        waited = time.monotonic() - began
        written.set()
        worker.join(60)

    assert other.status_code == 201, other.text
    assert waited < 5, f"a write waited {waited:.1f} s for the LLM's answer"
    lead = api.get(f"/api/v1/leads/{lead_id}").json()
    assert lead["stage"] == "completed"
    said = {r["text"] for r in lead["score_reasons"]}
    assert "described what it needs" in said  # the LLM's reading, not the rules' (a budget)
    assert not any(text.startswith("stated a budget") for text in said)
