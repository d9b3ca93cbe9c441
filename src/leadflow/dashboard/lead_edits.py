"""A person's edits on the lead's page: its consent, their word on its qualification (each
field shown with the source it stands on), its owner, and the notes and calls they add to its
timeline. The leads domain makes the change, as it does for the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from leadflow.dashboard.lead_page import actor_of, find_lead, row_id, show_page
from leadflow.dashboard.pages import ViewerDep, not_found, redirect
from leadflow.dependencies import SessionDep
from leadflow.exceptions import LeadflowError, NotFound
from leadflow.leads import service as leads
from leadflow.leads.schemas import CallIn, LeadUpdate, NoteIn, QualificationEdit
from leadflow.models import ConsentStatus, Lead
from leadflow.sales import service as sales

router = APIRouter()
# The form's inputs, by the field and the part of it they fill.
INPUTS: dict[str, tuple[str, ...]] = {
    "budget": ("amount", "currency"),
    "authority": ("role", "decision_maker"),
    "need": ("text",),
    "timeline": ("by", "relative"),
    "urgency": ("level",),
}
YES_NO = {"yes": True, "no": False}


@router.post("/leads/{lead_id}/consent")
def edit_consent(
    lead_id: str,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    consent: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Sets the lead's consent, as the person says it now is."""
    lead = find_lead(session, viewer, lead_id)
    if lead is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    if consent not in set(ConsentStatus):
        return show_page(request, viewer, session, lead, status_code=422,
                         notice=viewer.t("lead.consent_invalid"))  # fmt: skip
    return _edited(request, viewer, session, lead, LeadUpdate(consent=consent))


@router.post("/leads/{lead_id}/qualification")
async def edit_qualification(
    lead_id: str, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    """The person's word on each field of the qualification; a field left blank is theirs no
    longer (what other sources said shows again)."""
    lead = find_lead(session, viewer, lead_id)
    if lead is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    form = await request.form()
    try:
        edit = QualificationEdit.model_validate(said_in(form))
    except (ValidationError, ValueError):
        return show_page(request, viewer, session, lead, status_code=422,
                         notice=viewer.t("lead.qualification_invalid"))  # fmt: skip
    return _edited(request, viewer, session, lead, LeadUpdate(qualification=edit))


@router.post("/leads/{lead_id}/owner")
def assign_owner(
    lead_id: str,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    owner_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Gives the lead to a person of the workspace (none, when left blank)."""
    lead = find_lead(session, viewer, lead_id)
    if lead is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    owner = row_id(owner_id) if owner_id else None
    if owner_id and owner is None:
        return show_page(request, viewer, session, lead, status_code=422,
                         notice=viewer.t("lead.owner_invalid"))  # fmt: skip
    return _edited(request, viewer, session, lead, LeadUpdate(owner_id=owner))


@router.post("/leads/{lead_id}/sales-stage")
def move_to_stage(
    lead_id: str,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    stage: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Moves the lead to a sales stage of the workspace; Won and Lost end the deal."""
    lead = find_lead(session, viewer, lead_id)
    if lead is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    try:
        sales.move_lead(session, workspace=viewer.workspace, lead_id=lead.id, stage=stage,
                        actor=actor_of(viewer))  # fmt: skip
    except NotFound:
        return show_page(request, viewer, session, lead, status_code=422,
                         notice=viewer.t("board.no_such_stage"))  # fmt: skip
    return redirect(f"/leads/{lead.id}", request)


@router.post("/leads/{lead_id}/notes")
def add_note(
    lead_id: str,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    text: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    """Adds the person's note to the lead's timeline."""
    lead = find_lead(session, viewer, lead_id)
    if lead is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    try:
        note = NoteIn(text=text.strip())
    except ValidationError:
        return show_page(request, viewer, session, lead, status_code=422,
                         notice=viewer.t("lead.note_invalid"))  # fmt: skip
    leads.add_note(session, workspace_id=lead.workspace_id, lead_id=lead.id, text=note.text,
                   actor=actor_of(viewer))  # fmt: skip
    return redirect(f"/leads/{lead.id}#timeline-heading", request)


@router.post("/leads/{lead_id}/calls")
def log_call(
    lead_id: str,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    outcome: Annotated[str, Form(max_length=20)] = "",
    notes: Annotated[str, Form(max_length=10_000)] = "",
    minutes: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Logs the person's call to the lead on its timeline: how it went, notes, minutes."""
    lead = find_lead(session, viewer, lead_id)
    if lead is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    try:
        seconds = round(float(minutes) * 60) if minutes.strip() else None
        call = CallIn(outcome=outcome, notes=notes.strip(), duration_seconds=seconds)
    except (ValidationError, ValueError, OverflowError):
        return show_page(request, viewer, session, lead, status_code=422,
                         notice=viewer.t("lead.call_invalid"))  # fmt: skip
    leads.log_call(
        session, workspace_id=lead.workspace_id, lead_id=lead.id, outcome=call.outcome,
        notes=call.notes, duration_seconds=call.duration_seconds, actor=actor_of(viewer),
    )  # fmt: skip
    return redirect(f"/leads/{lead.id}#timeline-heading", request)


def said_in(form: Mapping[str, Any]) -> dict[str, Any]:
    """The qualification a form says, every field given (None where it was left blank)."""
    said: dict[str, Any] = {}
    for field, parts in INPUTS.items():
        values = {part: str(form.get(f"{field}_{part}", "")).strip() for part in parts}
        chosen: dict[str, Any] = {part: value for part, value in values.items() if value}
        if (answer := chosen.get("decision_maker")) is not None:
            chosen["decision_maker"] = YES_NO.get(answer, answer)
        said[field] = chosen or None
    services = str(form.get("service_interest", ""))
    said["service_interest"] = [s.strip() for s in services.split(",") if s.strip()] or None
    return said


def _edited(
    request: Request, viewer: Any, session: SessionDep, lead: Lead, changes: LeadUpdate
) -> Response:
    try:
        leads.update_lead(
            session, workspace=viewer.workspace, lead_id=lead.id, changes=changes,
            actor=actor_of(viewer),
        )  # fmt: skip
    except LeadflowError as refusal:
        return show_page(request, viewer, session, lead, status_code=refusal.status,
                         notice=refusal.message)  # fmt: skip
    return redirect(f"/leads/{lead.id}", request)
