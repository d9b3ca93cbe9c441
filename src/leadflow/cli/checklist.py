"""``leadflow checklist``: the first run's steps for a workspace, ticked from what it has done."""

from __future__ import annotations

import typer

from leadflow.cli.common import WorkspaceOption, errors
from leadflow.config import get_settings
from leadflow.db import unit_of_work
from leadflow.workspaces import service as workspaces
from leadflow.workspaces.checklist import checklist, widget_snippet

STEP_NAMES = {
    "connect_channel": "Connect a channel",
    "add_knowledge": "Add knowledge",
    "embed_widget": "Embed the chat widget",
    "import_leads": "Import a list",
    "invite_teammate": "Invite a teammate",
}


def show_checklist(workspace: WorkspaceOption = "demo") -> None:
    """The first run's checklist: what is done, and where to do the rest."""
    settings = get_settings()
    base_url = settings.public_url or f"http://{settings.host}:{settings.port}"
    with errors(), unit_of_work(writes=False) as session:
        target = workspaces.get_workspace(session, workspace)
        steps = checklist(session, target)
        snippet = widget_snippet(target, base_url=base_url)
    for item in steps.steps:
        mark = "[x]" if item.done else "[ ]"
        typer.echo(f"{mark} {STEP_NAMES[item.key]:<24} {base_url}{item.link}")
    typer.echo(f"{steps.done} of {len(steps.steps)} done")
    typer.echo(f"chat widget: {snippet}")
