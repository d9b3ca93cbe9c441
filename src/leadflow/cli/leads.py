"""``leadflow leads``: one lead as leadflow sees it, a person's edits of its consent,
qualification and owner, and the notes and calls they add to its timeline, through the leads
domain as the API and the dashboard make them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError

from leadflow.cli.common import WorkspaceOption, err, errors
from leadflow.db import unit_of_work
from leadflow.leads import service
from leadflow.leads.schemas import (
    ActivityOut,
    CallIn,
    LeadOut,
    LeadUpdate,
    NoteIn,
    QualificationEdit,
)
from leadflow.models import CallOutcome, ConsentStatus
from leadflow.workspaces import service as workspaces

leads_app = typer.Typer(
    help="Leads: read one, set its consent, qualification or owner, add notes and calls.",
    no_args_is_help=True,
)
T = TypeVar("T")
LeadId = Annotated[int, typer.Argument(min=1, help="the lead's id")]
ACTOR = "cli"
QUALIFY_HELP = (
    'JSON, e.g. \'{"budget": {"amount": 500000, "currency": "SAR"}}\'; '
    "a field as null takes it back"
)


def _shown(lead: object) -> str:
    out = LeadOut.model_validate(lead)
    wanted = {"id", "display_name", "consent_status", "consent_source", "consent_at",
              "qualification", "qualification_sources", "score", "score_tier", "stage"}  # fmt: skip
    return json.dumps(out.model_dump(mode="json", include=wanted), ensure_ascii=False)


@leads_app.command("show")
def show(lead_id: LeadId, workspace: WorkspaceOption = "demo") -> None:
    """The lead's name, consent and qualification (each field with its source), as JSON."""
    with errors(), unit_of_work(writes=False) as session:
        target = workspaces.get_workspace(session, workspace)
        typer.echo(_shown(service.get_lead(session, workspace_id=target.id, lead_id=lead_id)))


@leads_app.command("consent")
def consent(
    lead_id: LeadId,
    status: Annotated[ConsentStatus, typer.Argument(help="granted, denied or unknown")],
    workspace: WorkspaceOption = "demo",
) -> None:
    """Sets the lead's consent, as a person says it now is."""
    _update(workspace, lead_id, LeadUpdate(consent=str(status)))


@leads_app.command("qualify")
def qualify(
    lead_id: LeadId,
    fields: Annotated[str, typer.Argument(help=QUALIFY_HELP)],
    workspace: WorkspaceOption = "demo",
) -> None:
    """A person's word on the lead's qualification: it stands over the agent's reading."""
    try:
        edit = QualificationEdit.model_validate_json(fields)
    except ValidationError as error:
        err.print(f"[red]error:[/red] {error.errors()[0]['msg']} ({fields[:80]})")
        raise typer.Exit(1) from None
    _update(workspace, lead_id, LeadUpdate(qualification=edit))


@leads_app.command("assign")
def assign(
    lead_id: LeadId,
    email: Annotated[str, typer.Argument(help="the new owner's email; '-' for nobody")],
    workspace: WorkspaceOption = "demo",
) -> None:
    """Gives the lead to a person of the workspace."""
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        owner = None if email == "-" else service.member_by_email(session, target.id, email).id
        lead = service.update_lead(
            session, workspace=target, lead_id=lead_id, changes=LeadUpdate(owner_id=owner),
            actor=ACTOR,
        )  # fmt: skip
        typer.echo(_shown(lead))


@leads_app.command("note")
def note(
    lead_id: LeadId,
    text: Annotated[str, typer.Argument(help="the note")],
    workspace: WorkspaceOption = "demo",
) -> None:
    """Adds a note to the lead's timeline."""
    said = _valid(lambda: NoteIn(text=text), text)
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        entry = service.add_note(
            session, workspace_id=target.id, lead_id=lead_id, text=said.text, actor=ACTOR
        )
        typer.echo(_entry(entry))


@leads_app.command("call")
def call(
    lead_id: LeadId,
    outcome: Annotated[CallOutcome, typer.Option(help="how the call went")],
    notes: Annotated[str, typer.Option(help="what was said")] = "",
    minutes: Annotated[float | None, typer.Option(min=0, max=1440, help="how long")] = None,
    workspace: WorkspaceOption = "demo",
) -> None:
    """Logs a call made to the lead on its timeline."""
    seconds = None if minutes is None else round(minutes * 60)
    logged = _valid(lambda: CallIn(outcome=outcome, notes=notes, duration_seconds=seconds), notes)
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        entry = service.log_call(
            session, workspace_id=target.id, lead_id=lead_id, outcome=logged.outcome,
            notes=logged.notes, duration_seconds=logged.duration_seconds, actor=ACTOR,
        )  # fmt: skip
        typer.echo(_entry(entry))


def _valid(build: Callable[[], T], said: str) -> T:
    try:
        return build()
    except ValidationError as error:
        err.print(f"[red]error:[/red] {error.errors()[0]['msg']} ({said[:80]})")
        raise typer.Exit(1) from None


def _entry(entry: object) -> str:
    return json.dumps(ActivityOut.model_validate(entry).model_dump(mode="json"), ensure_ascii=False)


def _update(workspace: str, lead_id: int, changes: LeadUpdate) -> None:
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        lead = service.update_lead(
            session, workspace=target, lead_id=lead_id, changes=changes, actor=ACTOR
        )
        typer.echo(_shown(lead))
