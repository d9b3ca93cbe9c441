"""``leadflow stages``: the workspace's sales stages, and moving a lead through them, with the
same service as the API's and the board's."""

from __future__ import annotations

from typing import Annotated

import typer

from leadflow.cli.common import WorkspaceOption, errors
from leadflow.db import unit_of_work
from leadflow.sales import service as sales
from leadflow.sales.service import StageEdit
from leadflow.workspaces import service as workspaces

stages_app = typer.Typer(
    help="Sales stages: where each deal stands (New, Contacted, ... Won, Lost).",
    no_args_is_help=True,
)
STAGE_HELP = (
    "every stage in order: KEY keeps a stage, KEY=NAME renames it, +NAME adds one; a stage "
    "left out is taken away (its leads move to the first). New comes first, Won and Lost last"
)


@stages_app.command("list")
def list_(workspace: WorkspaceOption = "demo") -> None:
    """The stages in order: key, name, how many leads stand in each."""
    with errors(), unit_of_work(writes=False) as session:
        target = workspaces.get_workspace(session, workspace)
        counts = sales.lead_counts(session, target)
        for stage in sales.stages_of(target):
            typer.echo(f"{stage.key:<12} {stage.label:<24} {counts[stage.key]:>8}")


@stages_app.command("set")
def set_(
    stages: Annotated[list[str], typer.Argument(help=STAGE_HELP)],
    workspace: WorkspaceOption = "demo",
) -> None:
    """Replace the stages, e.g.: new contacted "meeting=Site visit" "+Proposal sent" won lost."""
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        sales.set_stages(session, workspace=target, edits=[_edit(given) for given in stages])
        typer.echo(" → ".join(stage.label for stage in sales.stages_of(target)))


@stages_app.command("move")
def move(
    lead_id: Annotated[int, typer.Argument(min=1)],
    stage: Annotated[str, typer.Argument(help="a stage's key or role, e.g. won")],
    workspace: WorkspaceOption = "demo",
) -> None:
    """Move a lead to a sales stage; won and lost end the deal (the predictive model learns)."""
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        moved = sales.move_lead(session, workspace=target, lead_id=lead_id, stage=stage,
                                actor="cli")  # fmt: skip
        typer.echo(f"lead {lead_id} is in {moved.label}")


def _edit(given: str) -> StageEdit:
    if given.startswith("+"):
        return StageEdit(name=given[1:])
    key, _, name = given.partition("=")
    return StageEdit(key=key.strip(), name=name.strip() or None)
