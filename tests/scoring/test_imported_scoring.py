"""Scoring an import's new leads in batches (``scoring.score_imported``): a lead that cannot be
scored is reported and the rest of its batch is scored all the same."""

from __future__ import annotations

from sqlalchemy import select

from leadflow.imports.service import origin_of, scoring_progressed
from leadflow.models import ImportJob, ImportStatus, Lead
from leadflow.scoring import service
from leadflow.worker import enqueue
from tests.builders import make_lead, make_workspace, settle_jobs


def _scoring_import(session, workspace, leads: list[Lead]) -> ImportJob:
    job = ImportJob(
        workspace_id=workspace.id, filename="leads.csv", status=ImportStatus.scoring,
        column_map={"scoring": {"after": 0, "scored": 0, "failed": 0}}, created=len(leads),
    )  # fmt: skip
    session.add(job)
    session.flush()
    for lead in leads:
        lead.origin = origin_of(job.id)
    enqueue(session, "scoring.score_imported", workspace.id, job.id)
    session.commit()
    return job


def test_a_lead_that_cannot_be_scored_is_reported_and_its_batch_scored(session):
    workspace = make_workspace(session)
    ann, broken, cid = (make_lead(session, workspace) for _ in range(3))
    broken.qualification = {"budget": "a lot"}  # written by hand: not the shape scoring reads
    job = _scoring_import(session, workspace, [ann, broken, cid])

    settle_jobs()

    session.expire_all()
    assert session.get(ImportJob, job.id).status == ImportStatus.completed
    progress = session.get(ImportJob, job.id).column_map["scoring"]
    assert (progress["scored"], progress["failed"]) == (2, 1)
    assert progress["failures"][0]["lead_id"] == broken.id
    assert "AttributeError" in progress["failures"][0]["reason"]
    tiers = dict(
        session.execute(
            select(Lead.id, Lead.score_tier).where(Lead.workspace_id == workspace.id)
        ).all()
    )
    assert tiers[broken.id] is None
    assert tiers[ann.id] is not None
    assert tiers[cid.id] is not None


def test_leads_of_other_origins_are_not_scored_with_the_import(session):
    workspace = make_workspace(session)
    imported, other = make_lead(session, workspace), make_lead(session, workspace)
    _scoring_import(session, workspace, [imported])

    settle_jobs()

    session.expire_all()
    assert session.get(Lead, imported.id).scored_at is not None
    assert session.get(Lead, other.id).scored_at is None


def test_a_batch_recorded_by_another_run_is_not_recorded_again(session):
    workspace = make_workspace(session)
    lead = make_lead(session, workspace)
    job = _scoring_import(session, workspace, [lead])
    twice = {"import_id": job.id, "after": 0, "last_id": lead.id, "scored": 1, "failures": {}}

    first, second = (scoring_progressed(session, **twice) for _ in range(2))

    assert (first, second) == (True, False)
    assert job.column_map["scoring"]["scored"] == 1


def test_a_lead_scored_since_its_batch_was_judged_keeps_its_newer_verdict(session):
    workspace = make_workspace(session)
    lead = make_lead(session, workspace)
    judged = service.judge_batch(session, workspace.id, [lead])
    service.score(session, lead)
    session.commit()
    newer = lead.scored_at

    service.keep_batch(session, judged)
    session.commit()

    session.expire_all()
    assert session.get(Lead, lead.id).scored_at == newer
