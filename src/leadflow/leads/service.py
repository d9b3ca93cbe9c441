"""Leads: intake through identity resolution, edits, deletion and undoing merges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from leadflow.compliance import consent
from leadflow.events.service import record
from leadflow.exceptions import Conflict, NotFound, UnprocessableInput
from leadflow.identity import service as identity
from leadflow.identity.companies import CompanyResolver
from leadflow.identity.drafts import LeadDraft, draft_from_fields
from leadflow.identity.service import IntakeOutcome
from leadflow.leads import qualification, repository
from leadflow.leads.qualification import QualificationSource
from leadflow.leads.schemas import LeadFields, LeadUpdate, QualificationEdit
from leadflow.models import (
    Activity,
    CallOutcome,
    ConsentStatus,
    Lead,
    MergeRecord,
    User,
    Workspace,
)
from leadflow.workspaces.repository import members, membership

# Lead columns an edit can set, by the name the API uses for them.
_EDITABLE = {
    "first_name": "first_name", "last_name": "last_name", "email": "email", "phone": "phone",
    "whatsapp": "whatsapp_id", "title": "title", "city": "city", "country": "country",
    "source": "source", "time_zone": "time_zone",
}  # fmt: skip
_COMPANY_FIELDS = frozenset(
    {"company", "website", "industry", "employee_count", "annual_revenue", "company_country"}
)


def take_lead(
    session: Session, *, workspace: Workspace, fields: LeadFields, via: str, actor: str
) -> tuple[IntakeOutcome, Lead]:
    """Creates the lead, or merges it into the lead it already is."""
    draft = draft_from_fields(
        fields.as_fields(), region=workspace.default_region, custom_fields=fields.custom_fields
    )
    (outcome,) = identity.intake(session, workspace.id, [draft], via=via, actor=actor)
    announce_arrivals(session, workspace.id, [outcome], via=via)
    return outcome, get_lead(session, workspace_id=workspace.id, lead_id=outcome.lead_id)


def announce_arrivals(
    session: Session, workspace_id: int, outcomes: Sequence[IntakeOutcome], *, via: str
) -> None:
    """Tells the event log what arrived (the pipeline reacts to new leads)."""
    for outcome in outcomes:
        if outcome.outcome == "created":
            record(session, workspace_id, "lead.created", lead_id=outcome.lead_id, origin=via)
        else:
            record(
                session,
                workspace_id,
                "lead.merged",
                lead_id=outcome.lead_id,
                matched_on=outcome.matched_on,
                merge_id=outcome.merge_id,
            )


def get_lead(session: Session, *, workspace_id: int, lead_id: int) -> Lead:
    lead = repository.get_lead(session, workspace_id, lead_id)
    if lead is None:
        raise NotFound(f"lead {lead_id} not found")
    return lead


def update_lead(
    session: Session, *, workspace: Workspace, lead_id: int, changes: LeadUpdate, actor: str
) -> Lead:
    """Changes the fields sent, validated as on arrival; the others stay as they are."""
    lead = get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    sent = changes.model_fields_set
    draft = _edited_draft(lead, changes, region=workspace.default_region)
    if "owner_id" in sent and changes.owner_id is not None:
        _check_owner(session, workspace.id, changes.owner_id)
    before = _snapshot(lead)
    _apply_draft(session, workspace.id, lead, draft, sent)
    if "consent" in sent:
        consent.record(
            session, lead, ConsentStatus(draft.consent_status), source=actor, actor=actor
        )
    if sent & _COMPANY_FIELDS:
        resolver = CompanyResolver(session, workspace.id)
        lead.company_id = resolver.ensure([draft.company])[0]
    if "stage" in sent and changes.stage is not None:
        lead.stage = changes.stage
    if "owner_id" in sent:
        lead.owner_id = changes.owner_id
    if "custom_fields" in sent and changes.custom_fields is not None:
        merged = {**lead.custom_fields, **changes.custom_fields}
        lead.custom_fields = {k: v for k, v in merged.items() if v is not None}
    if "qualification" in sent:
        _edit_qualification(session, lead, changes.qualification, actor)
    _record_update(session, lead, before, actor)
    session.flush()
    session.expire(lead)
    return get_lead(session, workspace_id=workspace.id, lead_id=lead.id)


def _edited_draft(lead: Lead, changes: LeadUpdate, *, region: str) -> LeadDraft:
    """The lead as it will be: its current fields with the sent ones laid over them."""
    current: dict[str, str | None] = {
        name: getattr(lead, column) for name, column in _EDITABLE.items()
    }
    current["consent"] = lead.consent_status
    if lead.company is not None:
        current["company"], current["website"] = lead.company.name, lead.company.domain
    sent = changes.as_fields()
    if "full_name" in sent and not {"first_name", "last_name"} & sent.keys():
        current["first_name"] = current["last_name"] = None
    return draft_from_fields({**current, **sent}, region=region)


def _edit_qualification(
    session: Session, lead: Lead, edit: QualificationEdit | None, actor: str
) -> None:
    """A person's word on the qualification, kept as theirs; null takes all of it back."""
    person = QualificationSource.person
    if edit is None:
        changed = qualification.withdraw(lead, person, qualification.FIELDS)
    else:
        changed = qualification.claim(lead, person, edit.said(), by=actor)
        changed += qualification.withdraw(lead, person, edit.taken_back())
    if changed:
        record(session, lead.workspace_id, "lead.qualified", lead_id=lead.id, changed=changed)


def _check_owner(session: Session, workspace_id: int, user_id: int) -> None:
    if membership(session, workspace_id, user_id) is None:
        raise UnprocessableInput(
            "the owner must be a user of this workspace", errors={"owner_id": "not a member"}
        )


def member_by_email(session: Session, workspace_id: int, email: str) -> User:
    """The person of the workspace with this email address (a lead's owner named by it)."""
    wanted = email.strip().casefold()
    found = next((u for u in members(session, workspace_id) if u.email.casefold() == wanted), None)
    if found is None:
        raise UnprocessableInput(
            f"{email} is not a person of this workspace", errors={"owner": "not a member"}
        )
    return found


def _apply_draft(
    session: Session, workspace_id: int, lead: Lead, draft: LeadDraft, sent: set[str]
) -> None:
    if "email" in sent and draft.email_key and draft.email_key != lead.email_key:
        holder = repository.lead_id_holding_email(session, workspace_id, draft.email_key)
        if holder is not None and holder != lead.id:
            raise Conflict(f"lead {holder} already has this email address", lead_id=holder)
    for name, column in _EDITABLE.items():
        if name in sent:
            setattr(lead, column, getattr(draft, column))
    if "full_name" in sent:
        lead.first_name, lead.last_name = draft.first_name, draft.last_name
    if "email" in sent:
        lead.email_key = draft.email_key
    lead.name_key = draft.name_key


def _snapshot(lead: Lead) -> dict[str, Any]:
    columns = (
        *_EDITABLE.values(), "company_id", "stage", "owner_id", "custom_fields", "qualification",
    )  # fmt: skip
    return {column: getattr(lead, column) for column in columns}


def _record_update(session: Session, lead: Lead, before: dict[str, Any], actor: str) -> None:
    after = _snapshot(lead)
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        kind = "lead.stage_changed" if set(changed) == {"stage"} else "lead.updated"
        _announce_update(session, lead, kind, changed)
        session.add(
            Activity(
                workspace_id=lead.workspace_id,
                lead_id=lead.id,
                kind=kind,
                actor=actor,
                data={"changes": changed},
            )
        )


def _announce_update(session: Session, lead: Lead, kind: str, changed: dict[str, Any]) -> None:
    """Tells the event log (and so the live board and webhooks) what a person or the API changed."""
    if kind == "lead.stage_changed":
        previous, stage = changed["stage"]
        record(session, lead.workspace_id, kind, lead_id=lead.id, stage=stage, previous=previous)
    else:
        record(session, lead.workspace_id, kind, lead_id=lead.id, fields=sorted(changed))


def add_note(
    session: Session, *, workspace_id: int, lead_id: int, text: str, actor: str
) -> Activity:
    """A person's note on the lead's timeline."""
    lead = get_lead(session, workspace_id=workspace_id, lead_id=lead_id)
    return _on_timeline(session, lead, "lead.note_added", actor, {"text": text})


def log_call(
    session: Session,
    *,
    workspace_id: int,
    lead_id: int,
    outcome: CallOutcome,
    notes: str = "",
    duration_seconds: int | None = None,
    actor: str,
) -> Activity:
    """A call a person made to the lead: how it went, their notes and how long it took."""
    lead = get_lead(session, workspace_id=workspace_id, lead_id=lead_id)
    data = {"outcome": str(outcome), "notes": notes, "duration_seconds": duration_seconds}
    return _on_timeline(session, lead, "lead.call_logged", actor, data)


def _on_timeline(
    session: Session, lead: Lead, kind: str, actor: str, data: dict[str, Any]
) -> Activity:
    entry = Activity(
        workspace_id=lead.workspace_id, lead_id=lead.id, kind=kind, actor=actor, data=data
    )
    session.add(entry)
    session.flush()
    record(session, lead.workspace_id, kind, lead_id=lead.id, activity_id=entry.id, actor=actor)
    return entry


def timeline(
    session: Session, *, workspace_id: int, lead_id: int, limit: int, cursor: str | None
) -> tuple[list[Activity], str | None]:
    """The lead's timeline, newest first; its arrival closes the last page.

    Arrivals are not stored as activities (an import writes millions): the lead row holds
    when, how and from where it came.
    """
    lead = get_lead(session, workspace_id=workspace_id, lead_id=lead_id)
    entries, next_cursor = repository.activities(
        session, workspace_id, lead_id, limit=limit, cursor=cursor
    )
    if next_cursor is None:
        entries.append(
            Activity(
                id=0,
                workspace_id=workspace_id,
                lead_id=lead.id,
                kind="lead.created",
                actor=lead.origin,
                occurred_at=lead.created_at,
                data={"source": lead.source},
            )
        )
    return entries, next_cursor


def delete_lead(session: Session, *, workspace_id: int, lead_id: int) -> None:
    repository.delete_lead(session, get_lead(session, workspace_id=workspace_id, lead_id=lead_id))


def undo_merge(session: Session, *, workspace_id: int, merge_id: int, actor: str) -> MergeRecord:
    return identity.undo_merge(session, workspace_id, merge_id, actor=actor)
