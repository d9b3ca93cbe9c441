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

from tests.builders import settle_jobs
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
        chat_url(api) + "/messages", json={"visitor": f"{number}.{'0' * 32}", "body": "hello"}
    )
    assert forged.status_code == 404


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
