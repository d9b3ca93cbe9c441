"""A workspace's stackAI flow as an external scorer: asked in the qualifying stage with the
documented run-flow request, its share of the score one reason in its words; when it fails, the
verdict is made without it and says nothing of it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import respx

from leadflow.integrations.breaker import breaker_for, reset_breakers
from leadflow.integrations.policy import ProviderPolicy
from leadflow.integrations.stackai.flow import STACKAI_URL
from leadflow.scoring.external import SYSTEM_PROMPT, ExternalScore
from tests.builders import settle_jobs

FLOW_URL = "https://api.stack-ai.com/inference/v0/run/org-7/flow-42"
WROTE = "We need a CRM for our 20 agents. Budget is SAR 200,000. Can we see pricing?"
SAID = {"probability": 0.8, "reasons": ["CEO of a 40-person clinic", "asked for pricing\n"]}


@pytest.fixture(autouse=True)
def fresh_breakers() -> Iterator[None]:
    reset_breakers()
    yield
    reset_breakers()


@pytest.fixture
def flow_connected(api) -> None:
    settings = {"org_id": "org-7", "flow_id": "flow-42", "api_key": "stack-key-123"}
    connected = api.put("/api/v1/connections/stackai", json={"settings": settings})
    assert connected.status_code == 200, connected.text


def arrive(api) -> int:
    body = {
        "email": "huda@clinic.sa",
        "title": "CEO",
        "company": "Noor Clinic",
        "custom_fields": {"message": WROTE},
    }
    created = api.post("/api/v1/leads", json=body)
    assert created.status_code == 201, created.text
    return int(created.json()["lead"]["id"])


def flow_answer(answer: object) -> dict:
    return {"outputs": {"out-0": json.dumps(answer)}, "run_id": "0b7e-run"}


def reasons_of(api, lead_id: int) -> list[dict]:
    lead = api.get(f"/api/v1/leads/{lead_id}").json()
    assert lead["stage"] == "completed"
    assert sum(r["points"] for r in lead["score_reasons"]) == lead["score"]
    return lead["score_reasons"]


def timeline(api, lead_id: int, kind: str) -> list[dict]:
    items = api.get(f"/api/v1/leads/{lead_id}/activities", params={"limit": 100}).json()["items"]
    return [item["data"] for item in items if item["kind"] == kind]


def test_the_flow_is_asked_as_documented_and_its_share_is_a_reason_of_its_own(api, flow_connected):
    with respx.mock(assert_all_called=True) as outside:
        route = outside.post(FLOW_URL).respond(200, json=flow_answer(SAID))
        lead_id = arrive(api)
        settle_jobs()

    request = route.calls.last.request
    assert (request.method, str(request.url)) == ("POST", FLOW_URL)
    assert request.headers["Authorization"] == "Bearer stack-key-123"
    sent = json.loads(request.content)
    assert set(sent) == {"in-0", "in-1"}
    assert sent["in-1"].startswith(SYSTEM_PROMPT)
    assert json.dumps(ExternalScore.model_json_schema(), separators=(",", ":")) in sent["in-1"]
    assert '<untrusted kind="lead">' in sent["in-0"]
    assert '"title": "CEO"' in sent["in-0"]
    assert f'<untrusted kind="lead_message_1">\n{WROTE}\n</untrusted>' in sent["in-0"]
    assert "huda@clinic.sa" not in sent["in-0"]  # how to reach the lead is none of its business
    reasons = reasons_of(api, lead_id)
    external = [(r["points"], r["text"]) for r in reasons if r["source"] == "external"]
    assert external == [
        (24, "the stackAI flow rates it 80% likely to convert: CEO of a 40-person clinic; "
             "asked for pricing"),
    ]  # fmt: skip
    # The rules keep what the flow leaves them (0.7 of their points: no model yet).
    assert {"points": 7, "text": "stated a budget (SAR 200000)", "source": "conversation"} in (
        reasons
    )
    assert timeline(api, lead_id, "score.external")[0]["probability"] == 0.8


def answering(failure: str, route: respx.Route) -> None:
    if failure == "timeout":
        route.mock(side_effect=httpx.ReadTimeout("the flow is slow"))
    elif failure == "server error":
        route.respond(503)
    elif failure == "not the schema":
        route.respond(200, json=flow_answer({"probability": 7, "reasons": []}))
    elif failure == "not JSON":
        route.respond(200, json={"outputs": {"out-0": "I think this lead is great!"}})
    else:  # the breaker, opened by the flow's earlier failures in this process
        policy = ProviderPolicy.from_settings()
        breaker = breaker_for(
            f"stackai:{STACKAI_URL}",  # the flow's account: stackAI's API
            failures_to_open=policy.breaker_failures,
            cooldown=policy.breaker_cooldown,
        )
        for _ in range(policy.breaker_failures):
            breaker.failed()
        route.respond(200, json=flow_answer(SAID))


@pytest.mark.parametrize(
    "failure", ["timeout", "server error", "not the schema", "not JSON", "breaker open"]
)
def test_when_the_flow_fails_the_verdict_is_made_without_it(api, flow_connected, failure):
    with respx.mock(assert_all_called=False) as outside:
        route = outside.post(FLOW_URL)
        answering(failure, route)
        lead_id = arrive(api)
        settle_jobs()

    reasons = reasons_of(api, lead_id)
    assert [r for r in reasons if r["source"] == "external"] == []
    assert {"points": 10, "text": "stated a budget (SAR 200000)", "source": "conversation"} in (
        reasons
    )
    assert route.called == (failure != "breaker open")
    (kept,) = timeline(api, lead_id, "score.external")
    assert "probability" not in kept
    assert kept["failed"] in ("unavailable", "invalid_output")


def test_a_flow_disconnected_no_longer_counts(api, flow_connected):
    with respx.mock() as outside:
        outside.post(FLOW_URL).respond(200, json=flow_answer(SAID))
        lead_id = arrive(api)
        settle_jobs()
    assert any(r["source"] == "external" for r in reasons_of(api, lead_id))

    assert api.delete("/api/v1/connections/stackai").status_code == 204
    rescored = api.post(f"/api/v1/leads/{lead_id}/score").json()

    assert [r for r in rescored["reasons"] if r["source"] == "external"] == []
    assert sum(r["points"] for r in rescored["reasons"]) == rescored["score"]


def test_without_a_flow_nothing_is_asked(api):
    with respx.mock(assert_all_called=False) as outside:
        route = outside.post(FLOW_URL)
        lead_id = arrive(api)
        settle_jobs()

    assert not route.called
    assert timeline(api, lead_id, "score.external") == []
