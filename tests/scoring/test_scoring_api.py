"""Scoring through the API and the pipeline: rules edited, activity rescored, history kept,
hot leads announced, every shown score carrying reasons that add up to it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadflow.models import Event, Lead
from tests.builders import settle_jobs

FINTECH = {"field": "industry", "operator": "in", "value": ["fintech"], "points": 40,
           "reason": "in fintech, our best market"}  # fmt: skip
MID_SIZE = {"field": "employee_count", "operator": "between", "value": [100, 1000],
            "points": 20, "reason": "100 to 1,000 people"}  # fmt: skip


def new_lead(api, **fields) -> dict:
    body = {"email": "nora@paytech.sa", "company": "PayTech", "industry": "Fintech",
            "employee_count": 300, "title": "CFO", **fields}  # fmt: skip
    response = api.post("/api/v1/leads", json=body)
    assert response.status_code == 201, response.text
    return response.json()["lead"]


def adds_up(verdict: dict) -> bool:
    return sum(reason["points"] for reason in verdict["reasons"]) == verdict["score"]


def test_rules_are_edited_through_the_api(api):
    created = api.post("/api/v1/scoring/rules", json=FINTECH)
    assert created.status_code == 201, created.text
    rule_id = created.json()["id"]

    changed = api.put(f"/api/v1/scoring/rules/{rule_id}", json={**FINTECH, "points": 35})
    assert changed.json()["points"] == 35
    assert [r["id"] for r in api.get("/api/v1/scoring/rules").json()["items"]] == [rule_id]
    assert api.delete(f"/api/v1/scoring/rules/{rule_id}").status_code == 204
    assert api.get("/api/v1/scoring/rules").json()["items"] == []


@pytest.mark.parametrize(
    ("operator", "value"),
    [("between", 5), ("between", ["small", "large"]), ("between", [1]), ("at_least", "many")],
)
def test_a_rule_of_the_wrong_shape_is_a_422_problem(api, operator, value):
    rule = {**FINTECH, "operator": operator, "value": value}
    response = api.post("/api/v1/scoring/rules", json=rule)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_pipeline_scores_a_new_lead_with_reasons_that_add_up(api, session):
    api.post("/api/v1/scoring/rules", json=FINTECH)
    api.post("/api/v1/scoring/rules", json=MID_SIZE)
    lead = new_lead(api)

    settle_jobs()

    shown = api.get(f"/api/v1/leads/{lead['id']}").json()
    assert shown["stage"] == "completed"
    assert shown["score"] == 60
    assert shown["score_tier"] == "WARM"
    assert sum(r["points"] for r in shown["score_reasons"]) == shown["score"]
    assert {r["text"] for r in shown["score_reasons"]} == {FINTECH["reason"], MID_SIZE["reason"]}


def test_activity_rescores_and_crossing_the_hot_threshold_is_announced(api, session):
    api.post("/api/v1/scoring/rules", json=FINTECH)
    api.post("/api/v1/scoring/rules", json=MID_SIZE)
    lead = new_lead(api)
    api.post(f"/api/v1/leads/{lead['id']}/score")

    verdict = api.post(f"/api/v1/leads/{lead['id']}/activities", json={"kind": "reply"}).json()

    assert verdict["tier"] == "HOT"
    assert adds_up(verdict)
    assert any("replied" in r["text"] for r in verdict["reasons"])
    hot = session.scalars(
        select(Event).where(Event.lead_id == lead["id"], Event.type == "lead.hot")
    ).all()
    assert len(hot) == 1
    history = api.get(f"/api/v1/leads/{lead['id']}/score/history").json()["items"]
    assert [h["tier"] for h in history] == ["HOT", "WARM"]
    assert all(sum(r["points"] for r in h["reasons"]) == h["score"] for h in history)


def test_a_scanner_click_barely_moves_the_score(api):
    lead = new_lead(api)
    human = api.post(
        f"/api/v1/leads/{lead['id']}/activities", json={"kind": "click", "seconds_after_send": 900}
    ).json()
    other = new_lead(api, email="omar@paytech.sa")
    scanner = api.post(
        f"/api/v1/leads/{other['id']}/activities", json={"kind": "click", "seconds_after_send": 1}
    ).json()

    assert scanner["score"] < human["score"]
    assert any("machine" in r["text"] for r in scanner["reasons"])


def test_thresholds_and_personas_are_the_workspaces_own(api):
    api.post("/api/v1/scoring/rules", json=FINTECH)
    settings = {
        "hot": 35,
        "warm": 10,
        "personas": [{"name": "payments", "industries": ["fintech"]}],
    }
    assert api.put("/api/v1/scoring/settings", json=settings).status_code == 200
    lead = new_lead(api)

    verdict = api.post(f"/api/v1/leads/{lead['id']}/score").json()

    assert verdict["tier"] == "HOT"
    assert verdict["persona"] == "payments"
    assert api.put("/api/v1/scoring/settings", json={"hot": 30, "warm": 40}).status_code == 422


def test_the_outcome_is_kept_for_the_model_to_learn_from(api, session):
    lead = new_lead(api)

    assert (
        api.put(f"/api/v1/leads/{lead['id']}/outcome", json={"outcome": "won"}).status_code == 200
    )

    session.expire_all()
    assert session.get(Lead, lead["id"]).outcome == "won"
