"""``leadflow leads``: one lead as leadflow sees it, and a person's edits of its consent and
qualification, through the leads domain as the API and the dashboard make them."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from pydantic import ValidationError

from leadflow.cli.common import WorkspaceOption, err, errors
from leadflow.db import unit_of_work
from leadflow.leads import service
from leadflow.leads.schemas import LeadOut, LeadUpdate, QualificationEdit
from leadflow.models import ConsentStatus
from leadflow.workspaces import service as workspaces

leads_app = typer.Typer(
    help="Leads: read one, set its consent or qualification.", no_args_is_help=True
)
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


def _update(workspace: str, lead_id: int, changes: LeadUpdate) -> None:
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        lead = service.update_lead(
            session, workspace=target, lead_id=lead_id, changes=changes, actor=ACTOR
        )
        typer.echo(_shown(lead))
