"""Which model answers a workspace's leads: the one it connected, else the platform's, else none
(the rules engine); and what the workspace's quotas and budgets allow it to spend, asked before
each call: over them, the model is not asked and the rules answer."""

from __future__ import annotations

import json

import httpx
import pytest
import respx
from sqlalchemy import select

from leadflow.db import get_sessionmaker
from leadflow.kit import fetch
from leadflow.models import Message, UsageRecord
from leadflow.providers.service import llm_for
from leadflow.usage.service import set_quota
from tests.builders import Api, make_api_key, make_workspace, settle_jobs, unique
from tests.inbox.support import connect

OWN_LLM = "https://llm.acme.example/v1"
DECISION = {"action": "ask", "reply": "What budget do you have in mind?", "language": "en",
            "reason": "the budget is not known yet"}  # fmt: skip


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """Every name resolves to a public address (a workspace's endpoint is checked for SSRF)."""
    monkeypatch.setattr(fetch, "resolver", lambda host, port: ["93.184.216.34"])


def completion(request: httpx.Request) -> httpx.Response:
    """A model that decides as the agent asks, and refuses anything else."""
    body = json.loads(request.content)
    if body["response_format"]["json_schema"]["name"] != "Decision":
        return httpx.Response(400, json={"error": {"message": "only decisions here"}})
    said = {"role": "assistant", "content": json.dumps(DECISION)}
    return httpx.Response(200, json={
        "choices": [{"index": 0, "message": said}],
        "usage": {"prompt_tokens": 900, "completion_tokens": 30},
    })  # fmt: skip


def claude(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    tool = body["tools"][0]["name"]
    return httpx.Response(200, json={
        "content": [{"type": "tool_use", "id": "toolu_1", "name": tool,
                     "input": DECISION if tool == "Decision" else {}}],
        "stop_reason": "tool_use", "usage": {"input_tokens": 800, "output_tokens": 20},
    })  # fmt: skip


def a_workspace(client, session) -> Api:
    workspace = make_workspace(session)
    return Api(client, make_api_key(session, workspace), workspace)


def connect_own_model(api: Api) -> None:
    connect(api, "openai_compatible", {"base_url": OWN_LLM, "model": "gpt-4o-mini",
                                       "api_key": "sk-acme-own"})  # fmt: skip


def write_in(api: Api) -> Message:
    """A lead writes through the web form; the agent's answer, once the jobs ran."""
    token = api.get("/api/v1/workspace").json()["form_token"]
    form = {"name": "Dana", "email": f"{unique('dana')}@example.com",
            "message": "Hello, I am looking for a villa."}  # fmt: skip
    assert api.client.post(f"/api/v1/forms/{token}", data=form).status_code == 202
    settle_jobs()
    with get_sessionmaker(writes=False)() as session:
        answer = session.scalars(
            select(Message).where(Message.workspace_id == api.workspace.id,
                                  Message.direction == "out")
        ).one()  # fmt: skip
        session.expunge(answer)
    return answer


def spent(session, workspace_id: int) -> list[tuple[str, str, int]]:
    session.expire_all()
    rows = session.scalars(select(UsageRecord).where(UsageRecord.workspace_id == workspace_id))
    return [(r.provider, r.metric, r.quantity) for r in rows]


def test_a_workspace_is_answered_by_the_model_it_connected(client, session, configured):
    configured(llm_provider="anthropic", llm_model="claude-haiku-4-5", llm_api_key="sk-platform")
    own, other = a_workspace(client, session), a_workspace(client, session)
    connect_own_model(own)

    with respx.mock(assert_all_called=False) as outside:
        mine = outside.post(f"{OWN_LLM}/chat/completions").mock(side_effect=completion)
        platform = outside.post("https://api.anthropic.com/v1/messages").mock(side_effect=claude)
        answered_by_own = write_in(own)
        own_calls = [call.request for call in mine.calls]
        answered_by_platform = write_in(other)
        platform_calls = [call.request for call in platform.calls]

    assert answered_by_own.decision["engine"] == "llm"
    assert answered_by_own.body == DECISION["reply"]
    assert {request.headers["authorization"] for request in own_calls} == {"Bearer sk-acme-own"}
    assert answered_by_platform.decision["engine"] == "llm"
    assert {request.headers["x-api-key"] for request in platform_calls} == {"sk-platform"}
    assert ("openai_compatible", "llm_tokens", 930) in spent(session, own.workspace.id)
    assert ("anthropic", "llm_tokens", 820) in spent(session, other.workspace.id)


def test_without_a_model_anywhere_the_rules_answer_and_nothing_is_asked(client, session):
    api = a_workspace(client, session)

    with respx.mock:  # no route: any request would fail the test
        answer = write_in(api)

    assert llm_for(session, api.workspace.id) is None
    assert answer.decision["engine"] == "rules"


@pytest.mark.parametrize(
    ("metric", "limit"),
    [("llm_tokens", 500), ("cost", 100)],  # 500 tokens; 100 millionths of a dollar
    ids=["token quota", "cost budget"],
)
def test_over_its_quota_the_model_is_not_asked_and_the_rules_answer(client, session, metric, limit):
    api = a_workspace(client, session)
    connect_own_model(api)
    set_quota(session, api.workspace.id, metric=metric, period="day", limit=limit)
    session.commit()

    with respx.mock(assert_all_called=False) as outside:
        model = outside.post(f"{OWN_LLM}/chat/completions").mock(side_effect=completion)
        answer = write_in(api)
        asked = model.call_count

    assert asked == 0
    assert answer.decision["engine"] == "rules"
    assert answer.status == "kept"
    assert spent(session, api.workspace.id) == []


def test_a_quota_on_another_provider_does_not_hold_this_one_back(client, session):
    api = a_workspace(client, session)
    connect_own_model(api)
    set_quota(session, api.workspace.id, metric="llm_tokens", period="day", limit=1,
              provider="anthropic")  # fmt: skip
    session.commit()

    with respx.mock(assert_all_called=False) as outside:
        outside.post(f"{OWN_LLM}/chat/completions").mock(side_effect=completion)
        answer = write_in(api)

    assert answer.decision["engine"] == "llm"


def test_a_model_on_a_private_network_is_refused_and_the_rules_answer(client, session, monkeypatch):
    api = a_workspace(client, session)
    connect_own_model(api)
    monkeypatch.setattr(fetch, "resolver", lambda host, port: ["10.0.0.7"])  # it moved inside

    with respx.mock:  # no route: any request would fail the test
        answer = write_in(api)

    assert answer.decision["engine"] == "rules"


def test_connecting_a_model_or_a_mail_server_on_a_private_address_is_refused(api):
    for provider, settings in (
        ("openai_compatible", {"base_url": "http://127.0.0.1:11434/v1", "model": "llama3"}),
        ("smtp", {"host": "10.1.2.3", "from_address": "sales@acme.example.com"}),
        ("anthropic", {"model": "claude-x", "api_key": "sk-123456789",
                       "base_url": "http://169.254.169.254/latest"}),
    ):  # fmt: skip
        refused = api.put(f"/api/v1/connections/{provider}", json={"settings": settings})
        assert refused.status_code == 422, (provider, refused.text)
        assert "private or reserved address" in refused.json()["detail"]
