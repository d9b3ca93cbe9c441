from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.kit import idempotency
from leadflow.kit.pagination import CursorQuery, Page
from leadflow.kit.schemas import NO_NUL, IdPath, IdQuery
from leadflow.leads import repository, service
from leadflow.leads.repository import LeadFilters
from leadflow.leads.schemas import (
    ActivityOut,
    CallIn,
    IntakeOut,
    LeadCreate,
    LeadOut,
    LeadSortKey,
    LeadUpdate,
    MergeOut,
    NoteIn,
)
from leadflow.models import ConsentStatus, LeadStage, Workspace

router = APIRouter(tags=["leads"])
API_ACTOR = "api"
Limit = Annotated[int, Query(ge=1, le=500)]


def _intake(session: Session, workspace: Workspace, payload: LeadCreate) -> tuple[int, IntakeOut]:
    outcome, lead = service.take_lead(
        session, workspace=workspace, fields=payload, via=API_ACTOR, actor=API_ACTOR
    )
    result = IntakeOut(
        outcome=outcome.outcome,
        matched_on=outcome.matched_on,
        merge_id=outcome.merge_id,
        lead=LeadOut.model_validate(lead),
    )
    return (201 if outcome.outcome == "created" else 200), result


@router.post(
    "/leads",
    response_model=IntakeOut,
    status_code=201,
    responses={200: {"model": IntakeOut, "description": "Merged into an existing lead"}},
)
def create_lead(
    payload: LeadCreate,
    session: SessionDep,
    workspace: WorkspaceDep,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> JSONResponse:
    """Create a lead, or merge it into the lead it already is (same email, phone or WhatsApp)."""
    if idempotency_key is None:
        code, result = _intake(session, workspace, payload)
        return JSONResponse(result.model_dump(mode="json"), status_code=code)
    key = idempotency.check_key(idempotency_key)
    fingerprint = idempotency.request_fingerprint("POST", "/leads", payload.model_dump(mode="json"))
    if (earlier := idempotency.replay(session, workspace.id, key, fingerprint)) is not None:
        return JSONResponse(
            earlier.body, earlier.status_code, headers={"Idempotent-Replayed": "true"}
        )
    try:
        with session.begin_nested():
            code, result = _intake(session, workspace, payload)
            body = result.model_dump(mode="json")
            idempotency.remember(session, workspace.id, key, fingerprint, code, body)
    except IntegrityError:
        earlier = idempotency.replay(session, workspace.id, key, fingerprint)
        if earlier is None:
            raise
        return JSONResponse(
            earlier.body, earlier.status_code, headers={"Idempotent-Replayed": "true"}
        )
    return JSONResponse(body, status_code=code)


@router.get("/leads", response_model=Page[LeadOut])
def list_leads(
    session: SessionDep,
    workspace: WorkspaceDep,
    stage: LeadStage | None = None,
    sales_stage: Annotated[
        str | None, Query(max_length=40, pattern=NO_NUL, description="a sales stage's key")
    ] = None,
    source: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    owner_id: IdQuery = None,
    company_id: IdQuery = None,
    consent_status: ConsentStatus | None = None,
    score_tier: Annotated[str | None, Query(max_length=10, pattern=NO_NUL)] = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    updated_after: datetime | None = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=NO_NUL,
            description="email (from its start), name, company, or a phone or WhatsApp number "
            "in any common writing (+966 55 333 0001, 00966..., national 055..., or its start)",
        ),
    ] = None,
    sort: LeadSortKey = "-created_at",
    limit: Limit = 50,
    cursor: Annotated[str | None, Query(max_length=500, pattern=NO_NUL)] = None,
) -> Page[LeadOut]:
    """List the workspace's leads, filtered and sorted, a page at a time (pass next_cursor back)."""
    filters = LeadFilters(
        stage=stage, sales_stage=sales_stage, source=source, owner_id=owner_id,
        company_id=company_id, consent_status=consent_status, score_tier=score_tier,
        created_after=created_after, created_before=created_before,
        updated_after=updated_after, q=q, region=workspace.default_region,
    )  # fmt: skip
    leads, next_cursor = repository.list_leads(
        session, workspace.id, filters, sort=sort, limit=limit, cursor=cursor
    )
    return Page[LeadOut](items=[LeadOut.model_validate(x) for x in leads], next_cursor=next_cursor)


@router.get("/leads/search", response_model=Page[LeadOut])
def search_leads(
    session: SessionDep,
    workspace: WorkspaceDep,
    q: Annotated[str, Query(min_length=1, max_length=200, pattern=NO_NUL)],
    limit: Limit = 20,
    cursor: Annotated[str | None, Query(max_length=500, pattern=NO_NUL)] = None,
) -> Page[LeadOut]:
    """Find leads by email, phone or WhatsApp number (written any common way), name or company."""
    leads, next_cursor = repository.list_leads(
        session, workspace.id, LeadFilters(q=q, region=workspace.default_region),
        sort="-updated_at", limit=limit, cursor=cursor,
    )  # fmt: skip
    return Page[LeadOut](items=[LeadOut.model_validate(x) for x in leads], next_cursor=next_cursor)


@router.get("/leads/{lead_id}", response_model=LeadOut)
def get_lead(lead_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> LeadOut:
    """One lead with its company."""
    return LeadOut.model_validate(
        service.get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    )


@router.patch("/leads/{lead_id}", response_model=LeadOut)
def update_lead(
    lead_id: IdPath, changes: LeadUpdate, session: SessionDep, workspace: WorkspaceDep
) -> LeadOut:
    """Change a lead's fields; only the fields sent change. A null custom field removes it."""
    lead = service.update_lead(
        session, workspace=workspace, lead_id=lead_id, changes=changes, actor=API_ACTOR
    )
    return LeadOut.model_validate(lead)


@router.delete("/leads/{lead_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_lead(lead_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> Response:
    """Delete a lead and its timeline."""
    service.delete_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/leads/{lead_id}/activities", response_model=Page[ActivityOut])
def lead_activities(
    lead_id: IdPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    limit: Limit = 50,
    cursor: Annotated[str | None, Query(max_length=500, pattern=NO_NUL)] = None,
) -> Page[ActivityOut]:
    """The lead's timeline, newest first: merges, edits, and finally its arrival."""
    rows, next_cursor = service.timeline(
        session, workspace_id=workspace.id, lead_id=lead_id, limit=limit, cursor=cursor
    )
    return Page[ActivityOut](
        items=[ActivityOut.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post("/leads/{lead_id}/notes", response_model=ActivityOut, status_code=201)
def add_note(
    lead_id: IdPath, payload: NoteIn, session: SessionDep, workspace: WorkspaceDep
) -> ActivityOut:
    """Add a note to the lead's timeline."""
    entry = service.add_note(
        session, workspace_id=workspace.id, lead_id=lead_id, text=payload.text, actor=API_ACTOR
    )
    return ActivityOut.model_validate(entry)


@router.post("/leads/{lead_id}/calls", response_model=ActivityOut, status_code=201)
def log_call(
    lead_id: IdPath, payload: CallIn, session: SessionDep, workspace: WorkspaceDep
) -> ActivityOut:
    """Log a call made to the lead: its outcome, notes and duration, on the timeline."""
    entry = service.log_call(
        session, workspace_id=workspace.id, lead_id=lead_id, outcome=payload.outcome,
        notes=payload.notes, duration_seconds=payload.duration_seconds, actor=API_ACTOR,
    )  # fmt: skip
    return ActivityOut.model_validate(entry)


@router.get("/leads/{lead_id}/merges", response_model=Page[MergeOut])
def lead_merges(
    lead_id: IdPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    limit: Limit = 50,
    cursor: CursorQuery = None,
) -> Page[MergeOut]:
    """Arrivals merged into this lead, newest first, with what each changed."""
    service.get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    merges, next_cursor = repository.merges_page(
        session, workspace.id, lead_id, limit=limit, cursor=cursor
    )
    return Page[MergeOut](
        items=[MergeOut.model_validate(m) for m in merges], next_cursor=next_cursor
    )


@router.post("/merges/{merge_id}/undo", response_model=MergeOut)
def undo_merge(merge_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> MergeOut:
    """Split a merged arrival back out as its own lead and restore what the merge filled in."""
    return MergeOut.model_validate(
        service.undo_merge(session, workspace_id=workspace.id, merge_id=merge_id, actor=API_ACTOR)
    )
