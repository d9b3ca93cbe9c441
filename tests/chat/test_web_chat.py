"""The web chat: one script tag; a visitor introduces themselves, writes, and follows the
agent's answer live over server-sent events, from another site's page."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bench.servers import leadflow_server
from sqlalchemy import select

from tests.builders import make_workspace, settle_jobs
from tests.knowledge.support import fill_with_the_agency, make_knowledge_base


def chat_url(api) -> str:
    token = api.get("/api/v1/workspace").json()["form_token"]
    return f"/api/v1/chat/{token}"


def test_the_script_is_served_for_a_script_tag(api):
    token = api.get("/api/v1/workspace").json()["form_token"]
    script = api.client.get(f"/chat/{token}/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "EventSource" in script.text


def test_a_visitor_must_leave_a_way_to_reach_them(api):
    refused = api.client.post(chat_url(api) + "/start", json={"name": "Ali"})
    assert refused.status_code == 422


def test_another_sites_page_may_call_the_chat(api):
    preflight = api.client.options(
        chat_url(api) + "/start",
        headers={"origin": "https://homes.example", "access-control-request-method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"


def test_a_forged_visitor_token_finds_no_conversation(api):
    started = api.client.post(chat_url(api) + "/start", json={"name": "Ali", "email": "a@x.com"})
    number = started.json()["visitor"].split(".")[0]
    forged = api.client.post(
        chat_url(api) + "/messages", json={"visitor": f"{number}.{'A' * 43}", "body": "hello"}
    )
    assert forged.status_code == 404


def _stream(api, url: str, token: str) -> list[dict[str, object]]:
    """What the visitor's stream replays before it ends (the test shortens it to one poll)."""
    with api.client.stream("GET", url + "/stream", params={"visitor": token}) as live:
        return [json.loads(line[5:]) for line in live.iter_lines() if line.startswith("data:")]


def test_someone_elses_email_starts_a_session_of_their_own(api, session, monkeypatch):
    """Knowing a lead's email and the public form token gives nothing of their chat: a new
    start is a new session, whose stream replays only its own messages."""
    from leadflow.chat import endpoints

    monkeypatch.setattr(endpoints, "STREAM_SECONDS", 0.01)  # one poll, then the stream ends
    url = chat_url(api)
    owner = api.client.post(url + "/start", json={"name": "Huda", "email": "huda@x.com"})
    mine = owner.json()["visitor"]
    api.client.post(url + "/messages", json={"visitor": mine, "body": "my budget is 2 million"})
    settle_jobs()
    impostor = api.client.post(url + "/start", json={"name": "Eve", "email": "HUDA@x.com"})
    theirs = impostor.json()["visitor"]
    assert theirs != mine
    assert _stream(api, url, theirs) == []
    api.client.post(url + "/messages", json={"visitor": theirs, "body": "what did I say?"})
    settle_jobs()
    seen = _stream(api, url, theirs)
    assert [m["body"] for m in seen if m["author"] == "lead"] == ["what did I say?"]
    assert all("2 million" not in m["body"] for m in seen)
    assert len([m for m in _stream(api, url, mine) if m["author"] == "lead"]) == 1


def test_both_sessions_belong_to_the_lead_for_the_business(api, session):
    from leadflow.conversations import repository

    url = chat_url(api)
    for name in ("Huda", "Eve"):
        api.client.post(url + "/start", json={"name": name, "email": "huda@y.com"})
    leads = api.get("/api/v1/leads", params={"q": "huda@y.com"}).json()["items"]
    assert len(leads) == 1
    threads = repository.conversations_of(session, api.workspace.id, leads[0]["id"])
    assert [t.channel for t in threads] == ["chat", "chat"]


def test_a_visitor_cannot_give_consent_back_for_someone_else(api, session):
    """STOP from a chat is honoured (erring towards silence); START from a chat, where anyone
    can type a lead's address, does not undo an opt-out."""
    from leadflow.models import ConsentStatus, Lead

    url = chat_url(api)
    token = api.client.post(url + "/start", json={"name": "H", "email": "h@z.com"}).json()
    api.client.post(url + "/messages", json={"visitor": token["visitor"], "body": "STOP"})
    again = api.client.post(url + "/start", json={"name": "E", "email": "h@z.com"}).json()
    api.client.post(url + "/messages", json={"visitor": again["visitor"], "body": "START"})
    lead = session.scalars(select(Lead).where(Lead.email == "h@z.com")).one()
    assert lead.consent_status == ConsentStatus.denied


def test_a_visitor_writing_too_fast_is_made_to_wait(api, session, configured):
    configured(chat_rate_limit_per_minute=3)
    url = chat_url(api)
    started = api.client.post(url + "/start", json={"name": "Ali", "email": "ali@example.com"})
    visitor = started.json()["visitor"]
    for n in range(2):
        written = api.client.post(url + "/messages", json={"visitor": visitor, "body": f"hi {n}"})
        assert written.status_code == 200
    refused = api.client.post(url + "/messages", json={"visitor": visitor, "body": "and again"})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    again = api.client.post(url + "/start", json={"name": "Ali", "email": "ali@example.com"})
    assert again.status_code == 429
    # Another business's chat counts apart.
    other = make_workspace(session)
    elsewhere = api.client.post(
        f"/api/v1/chat/{other.form_token}/start", json={"name": "Ali", "email": "ali@example.com"}
    )
    assert elsewhere.status_code == 200


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[str]:
    env = {**os.environ, "LEADFLOW_EMBEDDED_WORKER": "true", "LEADFLOW_LOG_LEVEL": "WARNING"}
    with (tmp_path / "server.log").open("wb") as out, leadflow_server(env, output=out) as (_, port):
        yield f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_the_visitor_sees_the_agents_answer_live(api, server):
    kb = make_knowledge_base(api, "Agency")
    fill_with_the_agency(api, kb["id"])
    settle_jobs()
    url = chat_url(api)
    with httpx.Client(base_url=server, timeout=30) as http:
        visitor = http.post(url + "/start", json={"name": "Mona", "phone": "+966501231234"})
        assert visitor.status_code == 200, visitor.text
        token = visitor.json()["visitor"]
        written = http.post(url + "/messages", json={"visitor": token, "body": "Are pets allowed?"})
        assert written.status_code == 200
        seen = []
        origin = {"origin": "https://homes.example"}
        with http.stream("GET", url + "/stream", params={"visitor": token}, headers=origin) as live:
            assert live.headers["access-control-allow-origin"] == "*"
            for line in live.iter_lines():
                if line.startswith("data:"):
                    seen.append(json.loads(line[5:]))
                if len(seen) == 2:
                    break
    question, answer = seen
    assert (question["author"], question["body"]) == ("lead", "Are pets allowed?")
    assert answer["author"] == "agent"
    assert "Cats and small dogs" in answer["body"]
