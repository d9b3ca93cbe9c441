from __future__ import annotations

from fastapi import APIRouter

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.kit.schemas import IdPath
from leadflow.models import Workspace
from leadflow.sales import service
from leadflow.sales.schemas import (
    SalesStageMove,
    SalesStageOut,
    SalesStagesIn,
    SalesStagesOut,
)
from leadflow.sales.service import StageEdit

router = APIRouter(tags=["sales stages"])


@router.get("/workspace/stages", response_model=SalesStagesOut)
def sales_stages(session: SessionDep, workspace: WorkspaceDep) -> SalesStagesOut:
    """The workspace's sales stages in order, each with how many leads stand in it."""
    return _shown(session, workspace)


@router.put("/workspace/stages", response_model=SalesStagesOut)
def put_sales_stages(
    payload: SalesStagesIn, session: SessionDep, workspace: WorkspaceDep
) -> SalesStagesOut:
    """Rename, add, reorder or take away stages; New, Won and Lost stay."""
    edits = [StageEdit(name=stage.name, key=stage.key) for stage in payload.stages]
    service.set_stages(session, workspace=workspace, edits=edits)
    return _shown(session, workspace)


@router.post("/leads/{lead_id}/sales-stage", response_model=SalesStageOut)
def move_lead(
    lead_id: IdPath, payload: SalesStageMove, session: SessionDep, workspace: WorkspaceDep
) -> SalesStageOut:
    """Move the lead to a sales stage (by key or role); Won and Lost set the deal's outcome."""
    stage = service.move_lead(
        session, workspace=workspace, lead_id=lead_id, stage=payload.stage, actor="api"
    )
    counts = service.lead_counts(session, workspace)
    return SalesStageOut(
        key=stage.key, role=stage.role, name=stage.name, label=stage.label,
        leads=counts[stage.key],
    )  # fmt: skip


def _shown(session: SessionDep, workspace: Workspace) -> SalesStagesOut:
    counts = service.lead_counts(session, workspace)
    return SalesStagesOut(
        items=[
            SalesStageOut(key=stage.key, role=stage.role, name=stage.name, label=stage.label,
                          leads=counts[stage.key])
            for stage in service.stages_of(workspace)
        ]
    )  # fmt: skip
