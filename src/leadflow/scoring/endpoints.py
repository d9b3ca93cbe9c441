from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter, Response

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.kit.pagination import CursorQuery, Page, PageLimit
from leadflow.kit.schemas import IdPath
from leadflow.leads.service import get_lead
from leadflow.models import Activity
from leadflow.models.base import utcnow
from leadflow.sales import service as sales
from leadflow.scoring import icp, repository, service
from leadflow.scoring.predictive import NotEnoughOutcomes, check_outcomes
from leadflow.scoring.schemas import (
    ActivityIn,
    ModelOut,
    OutcomeIn,
    RuleIn,
    RuleOut,
    ScoreChangeOut,
    ScoringSettingsIn,
    TrainingOut,
    VerdictOut,
)
from leadflow.scoring.verdict import Verdict
from leadflow.worker import enqueue

router = APIRouter(tags=["scoring"])


@router.get("/scoring/rules", response_model=Page[RuleOut])
def list_rules(session: SessionDep, workspace: WorkspaceDep) -> Page[RuleOut]:
    """The workspace's ideal-customer-profile rules, all on one page (every lead is scored
    against all of them)."""
    rules = icp.rules(session, workspace_id=workspace.id)
    return Page[RuleOut](items=[RuleOut.model_validate(r) for r in rules])


@router.post("/scoring/rules", response_model=RuleOut, status_code=201)
def create_rule(payload: RuleIn, session: SessionDep, workspace: WorkspaceDep) -> RuleOut:
    """Add a rule: when a lead's field meets the condition, its fit moves by the points."""
    rule = icp.add_rule(session, workspace_id=workspace.id, fields=payload)
    return RuleOut.model_validate(rule)


@router.put("/scoring/rules/{rule_id}", response_model=RuleOut)
def replace_rule(
    rule_id: IdPath, payload: RuleIn, session: SessionDep, workspace: WorkspaceDep
) -> RuleOut:
    """Change a rule."""
    rule = icp.change_rule(session, workspace_id=workspace.id, rule_id=rule_id, fields=payload)
    return RuleOut.model_validate(rule)


@router.delete("/scoring/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> Response:
    """Remove a rule."""
    icp.remove_rule(session, workspace_id=workspace.id, rule_id=rule_id)
    return Response(status_code=204)


@router.get("/scoring/settings", response_model=ScoringSettingsIn)
def get_scoring_settings(workspace: WorkspaceDep) -> ScoringSettingsIn:
    """Tier thresholds, intent half-life, the model's share and the personas."""
    return icp.scoring_settings(workspace)


@router.put("/scoring/settings", response_model=ScoringSettingsIn)
def put_scoring_settings(
    payload: ScoringSettingsIn, session: SessionDep, workspace: WorkspaceDep
) -> ScoringSettingsIn:
    """Change the tier thresholds, half-life, model share or personas."""
    icp.change_scoring_settings(session, workspace=workspace, settings=payload)
    return payload


@router.get("/scoring/models", response_model=Page[ModelOut])
def list_models(
    session: SessionDep, workspace: WorkspaceDep, limit: PageLimit = 50, cursor: CursorQuery = None
) -> Page[ModelOut]:
    """The workspace's predictive models, newest version first; the active one scores."""
    models, next_cursor = repository.models_page(session, workspace.id, limit=limit, cursor=cursor)
    return Page[ModelOut](
        items=[ModelOut.model_validate(m) for m in models], next_cursor=next_cursor
    )


@router.post("/scoring/models", response_model=TrainingOut, status_code=202)
def train_model(session: SessionDep, workspace: WorkspaceDep) -> TrainingOut:
    """Train a new version on the workspace's won and lost leads (in the background)."""
    won, lost = repository.outcome_counts(session, workspace.id)
    try:
        check_outcomes(won, lost)
    except NotEnoughOutcomes as error:
        return TrainingOut(queued=False, outcomes=won + lost, won=won, message=error.message)
    enqueue(session, "scoring.retrain", workspace.id)
    return TrainingOut(
        queued=True, outcomes=won + lost, won=won, message="training a new version now"
    )


@router.post("/leads/{lead_id}/score", response_model=VerdictOut)
def score_lead(lead_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> VerdictOut:
    """Score the lead now, and keep the verdict."""
    lead = get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    return _verdict(lead.id, service.score(session, lead))


@router.get("/leads/{lead_id}/score/history", response_model=Page[ScoreChangeOut])
def score_history(
    lead_id: IdPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    limit: PageLimit = 50,
    cursor: CursorQuery = None,
) -> Page[ScoreChangeOut]:
    """Every change of the lead's score, newest first, with its reasons at the time."""
    get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    changes, next_cursor = repository.score_history_page(
        session, workspace.id, lead_id, limit=limit, cursor=cursor
    )
    items = [
        ScoreChangeOut(
            occurred_at=a.occurred_at,
            **{k: a.data.get(k) for k in ScoreChangeOut.model_fields if k != "occurred_at"},
        )
        for a in changes
    ]
    return Page[ScoreChangeOut](items=items, next_cursor=next_cursor)


@router.post("/leads/{lead_id}/activities", response_model=VerdictOut, status_code=201)
def log_activity(
    lead_id: IdPath, payload: ActivityIn, session: SessionDep, workspace: WorkspaceDep
) -> VerdictOut:
    """Record something the lead did (reply, booking, click, page visit, open); rescored at once."""
    lead = get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    occurred = payload.occurred_at.astimezone(UTC) if payload.occurred_at else utcnow()
    data = {**payload.detail, "machine": payload.machine}
    if payload.seconds_after_send is not None:
        data["seconds_after_send"] = payload.seconds_after_send
    session.add(
        Activity(
            workspace_id=workspace.id, lead_id=lead.id, kind=payload.kind, actor="api",
            occurred_at=occurred, data=data,
        )
    )  # fmt: skip
    session.flush()
    return _verdict(lead.id, service.score(session, lead))


@router.put("/leads/{lead_id}/outcome", response_model=VerdictOut)
def set_outcome(
    lead_id: IdPath, payload: OutcomeIn, session: SessionDep, workspace: WorkspaceDep
) -> VerdictOut:
    """Mark the deal won or lost (or open again): what the predictive model learns from."""
    lead = get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    sales.set_outcome(session, workspace=workspace, lead=lead, outcome=payload.outcome, actor="api")
    return _verdict(lead.id, service.score(session, lead))


def _verdict(lead_id: int, verdict: Verdict) -> VerdictOut:
    return VerdictOut(
        lead_id=lead_id, score=verdict.score, tier=verdict.tier, persona=verdict.persona,
        confidence=verdict.confidence, reasons=verdict.reasons_as_json(),
    )  # fmt: skip
