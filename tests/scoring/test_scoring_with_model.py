"""With a trained model, the verdict blends it in, and the reasons still add up to the score."""

from __future__ import annotations

import random

from leadflow.scoring.predictive import train_workspace
from tests.builders import make_lead


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
    assert api.get("/api/v1/scoring/models").json() == []


def test_training_on_demand_makes_a_new_active_version(api, session):
    from tests.builders import settle_jobs

    _history(session, api.workspace)

    assert api.post("/api/v1/scoring/models").json()["queued"] is True
    settle_jobs()
    assert api.post("/api/v1/scoring/models").status_code == 202
    settle_jobs()

    models = api.get("/api/v1/scoring/models").json()
    assert [(m["version"], m["active"]) for m in models] == [(2, True), (1, False)]
    assert models[0]["outcomes"] == 80
