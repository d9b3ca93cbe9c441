"""An import's new leads are scored in bulk before the import says it is completed: its tiers
filter through the API at once, its progress shows how many are scored, and importing the same
file again scores nothing twice."""

from __future__ import annotations

from sqlalchemy import func, select

from leadflow.models import Event, IcpRule, Lead
from leadflow.scoring import service
from tests.builders import make_workspace, settle_jobs
from tests.imports.support import lead_by_email, run_import, table, write
from tests.imports.test_import_api import finished, upload

FINTECH = {"field": "industry", "operator": "in", "value": ["fintech"], "points": 80,
           "reason": "in fintech, our best market"}  # fmt: skip
HEADER = ("Name", "Email", "Company", "Industry")
ROWS = [
    ("Ann Lee", "ann@paytech.sa", "PayTech", "Fintech"),
    ("Bob Roy", "bob@grain.sa", "Grain Co", "Farming"),
    ("Cid Moe", "cid@ledger.sa", "Ledger", "Fintech"),
    ("Dee Fox", "dee@bricks.sa", "Bricks", "Building"),
]


def _import(api) -> dict:
    api.post("/api/v1/scoring/rules", json=FINTECH)
    accepted = upload(api, table(HEADER, ROWS).encode("utf-8")).json()
    return finished(api, accepted["id"])


def _emails(api, tier: str) -> set[str]:
    response = api.get("/api/v1/leads", params={"score_tier": tier})
    assert response.status_code == 200, response.text
    return {lead["email"] for lead in response.json()["items"]}


def _scored_at(api):
    return select(Lead.id, Lead.scored_at).where(Lead.workspace_id == api.workspace.id)


def _import_events(api):
    return select(Event).where(
        Event.workspace_id == api.workspace.id, Event.type == "import.scored"
    )


def test_a_finished_import_has_every_new_lead_scored_and_its_tiers_filter(api, session):
    done = _import(api)

    assert done["status"] == "completed"
    assert done["scoring"] == {"scored": 4, "failed": 0, "finished": True, "failures": []}
    assert _emails(api, "HOT") == {"ann@paytech.sa", "cid@ledger.sa"}
    assert _emails(api, "COLD") == {"bob@grain.sa", "dee@bricks.sa"}
    unscored = select(func.count()).where(
        Lead.workspace_id == api.workspace.id, Lead.scored_at.is_(None)
    )
    assert session.scalar(unscored) == 0
    leads = api.get("/api/v1/leads").json()["items"]
    # done with: on the board in their sales stage, not in the automation's column
    assert {(lead["stage"], lead["pipeline_progress"], lead["sales_stage"]) for lead in leads} == {
        ("completed", 100, "new")
    }


def test_an_import_scores_as_a_lead_is_scored_alone(api, session):
    _import(api)
    ann = session.scalars(
        select(Lead).where(Lead.workspace_id == api.workspace.id, Lead.email == "ann@paytech.sa")
    ).one()

    alone = api.post(f"/api/v1/leads/{ann.id}/score")

    assert alone.status_code == 200, alone.text
    session.refresh(ann)
    assert (ann.score, ann.score_tier) == (alone.json()["score"], alone.json()["tier"])
    assert ann.score_reasons == alone.json()["reasons"]


def test_one_event_tells_of_a_batch_not_one_per_lead(api, session):
    done = _import(api)

    types = set(session.scalars(select(Event.type).where(Event.workspace_id == api.workspace.id)))
    (batch,) = session.scalars(_import_events(api))
    assert "lead.hot" not in types
    assert "lead.score_changed" not in types
    assert batch.data["import_id"] == done["id"]
    assert batch.data["tiers"] == {"HOT": 2, "COLD": 2}
    assert len(batch.data["hot_lead_ids"]) == 2


def test_importing_the_same_file_again_scores_nothing_twice(api, session):
    _import(api)
    scored_at = dict(session.execute(_scored_at(api)).all())

    again = finished(api, upload(api, table(HEADER, ROWS).encode("utf-8")).json()["id"])
    settle_jobs()

    assert (again["created"], again["merged"], again["status"]) == (0, 4, "completed")
    assert again["scoring"]["scored"] == 0
    session.expire_all()
    assert dict(session.execute(_scored_at(api)).all()) == scored_at
    assert len(session.scalars(_import_events(api)).all()) == 1


def test_a_lead_the_import_changes_after_creating_it_is_scored_as_it_ends(session, tmp_path):
    workspace = make_workspace(session)
    session.add(
        IcpRule(workspace_id=workspace.id, field="seniority", operator="in",
                value=["executive"], points=80, reason="runs the company")
    )  # fmt: skip
    session.commit()
    rows = [("Ann Lee", "ann@paytech.sa", ""), ("Bob Roy", "bob@grain.sa", ""),
            ("Ann Lee", "ann@paytech.sa", "CEO")]  # fmt: skip
    path = write(tmp_path, table(("Name", "Email", "Title"), rows))

    job, report = run_import(session, workspace, path, chunk_rows=1)  # Ann's title: 3rd chunk

    ann = lead_by_email(session, workspace.id, "ann@paytech.sa")
    assert (report.created, report.merged, ann.title) == (2, 1, "CEO")
    assert (ann.score_tier, job.status) == ("HOT", "completed")
    alone = service.assess(session, ann)
    assert (ann.score, ann.score_reasons) == (alone.score, alone.reasons_as_json())
    assert job.column_map["scoring"]["scored"] == 2
