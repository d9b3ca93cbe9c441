from __future__ import annotations

from fastapi import APIRouter

from leadflow.dependencies import WorkspaceDep
from leadflow.workspaces.schemas import WorkspaceOut

router = APIRouter(tags=["workspace"])


@router.get("/workspace", response_model=WorkspaceOut)
def current_workspace(workspace: WorkspaceDep) -> WorkspaceOut:
    """The workspace this API key belongs to, with its public web-form token."""
    return WorkspaceOut.model_validate(workspace)
