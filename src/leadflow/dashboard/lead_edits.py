"""A person's edits on the lead's page: its consent, and their word on its qualification (each
field shown with the source it stands on). The leads domain makes the change, as it does for
the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from leadflow.dashboard.lead_page import actor_of, find_lead, show_page
from leadflow.dashboard.pages import ViewerDep, not_found, redirect
from leadflow.dependencies import SessionDep
from leadflow.exceptions import LeadflowError
from leadflow.leads import service as leads
from leadflow.leads.schemas import LeadUpdate, QualificationEdit
from leadflow.models import ConsentStatus, Lead

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
