"""With a trained model, the verdict blends it in, and the reasons still add up to the score."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from leadflow.db import unit_of_work
from leadflow.models.base import utcnow
from leadflow.scoring.predictive import train_workspace
from tests.builders import make_lead, settle_jobs


def _history(session, workspace) -> None:
    """80 ended deals: fintech and larger companies won more often."""
    chance = random.Random(7)
    for n in range(80):
        industry = chance.choice(["Fintech", "Retail", "Logistics"])
        employees = chance.choice([20, 200, 2000])
        won = chance.random() < (0.7 if industry == "Fintech" else 0.2) + (
            0.15 if employees > 100 else 0
        )
        lead = make_lead(
            session, workspace, email=f"deal{n}@co{n}.example", company=f"Co {n}",
            industry=industry, employee_count=str(employees), title="Head of Ops",
        )  # fmt: skip
        lead.outcome = "won" if won else "lost"
    session.commit()


def test_a_trained_model_takes_its_share_and_the_reasons_add_up(api, session):
    _history(session, api.workspace)
    stored = train_workspace(session, api.workspace.id)
    session.commit()
    assert stored is not None
    lead = api.post(
        "/api/v1/leads",
        json={
            "email": "new@fin.example",
            "company": "FinNew",
            "industry": "Fintech",
            "employee_count": 2000,
        },
    ).json()["lead"]

    verdict = api.post(f"/api/v1/leads/{lead['id']}/score").json()

    assert sum(r["points"] for r in verdict["reasons"]) == verdict["score"]
    model_reasons = [r for r in verdict["reasons"] if r["source"] == "model"]
    assert any("convert about" in r["text"] for r in model_reasons)
    assert verdict["confidence"] >= 0.3


def test_with_too_few_outcomes_the_model_steps_aside_and_says_so(api):
    answer = api.post("/api/v1/scoring/models").json()

    assert answer["queued"] is False
    assert "steps aside" in answer["message"]
    assert api.get("/api/v1/scoring/models").json()["items"] == []


def test_training_on_demand_makes_a_new_active_version(api, session):
    _history(session, api.workspace)

    assert api.post("/api/v1/scoring/models").json()["queued"] is True
    settle_jobs()
    assert api.post("/api/v1/scoring/models").status_code == 202
    settle_jobs()

    models = api.get("/api/v1/scoring/models").json()["items"]
    assert [(m["version"], m["active"]) for m in models] == [(2, True), (1, False)]
    assert models[0]["outcomes"] == 80


def test_a_new_model_version_scores_the_workspaces_leads_again_in_bulk(api, session, monkeypatch):
    from leadflow.models import Job
    from leadflow.scoring import tasks

    monkeypatch.setattr(tasks, "RESCORE_BATCH", 3)
    lead_ids = [
        api.post(
            "/api/v1/leads",
            json={"email": f"n{n}@fin.example", "company": f"Fin {n}", "industry": "Fintech",
                  "employee_count": 20 * (n + 1)},
        ).json()["lead"]["id"]
        for n in range(7)
    ]  # fmt: skip
    settle_jobs()  # the pipeline scores them by rules: no model yet
    _history(session, api.workspace)

    assert api.post("/api/v1/scoring/models").json()["queued"] is True
    settle_jobs()

    for lead_id in lead_ids:
        lead = api.get(f"/api/v1/leads/{lead_id}").json()
        assert any(r["source"] == "model" for r in lead["score_reasons"])
        assert sum(r["points"] for r in lead["score_reasons"]) == lead["score"]
        alone = api.post(f"/api/v1/leads/{lead_id}/score").json()
        assert (alone["score"], alone["reasons"]) == (lead["score"], lead["score_reasons"])
    runs = session.scalars(
        select(Job)
        .where(Job.name == "scoring.rescore", Job.workspace_id == api.workspace.id)
        .order_by(Job.id)
    ).all()
    assert [run.args for run in runs] == [
        [api.workspace.id], [api.workspace.id, lead_ids[2]], [api.workspace.id, lead_ids[5]],
    ]  # fmt: skip


def test_a_lead_scored_while_its_workspace_was_rescored_keeps_its_newer_verdict(api, session):
    from leadflow.scoring.service import keep_judged
    from leadflow.scoring.verdict import Verdict

    lead_id = api.post("/api/v1/leads", json={"email": "busy@fin.example"}).json()["lead"]["id"]
    settle_jobs()
    scored = api.post(f"/api/v1/leads/{lead_id}/score").json()
    stale = Verdict(score=99, tier="HOT", persona=None, confidence=0.1, reasons=[])

    with unit_of_work() as writer:
        keep_judged(writer, api.workspace.id, {lead_id: (utcnow() - timedelta(days=1), stale)})

    assert api.get(f"/api/v1/leads/{lead_id}").json()["score"] == scored["score"]
