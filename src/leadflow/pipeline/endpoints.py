from __future__ import annotations

from fastapi import APIRouter

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.kit.schemas import IdPath
from leadflow.leads.schemas import LeadOut
from leadflow.leads.service import get_lead
from leadflow.pipeline import service

router = APIRouter(tags=["pipeline"])


@router.post("/leads/{lead_id}/pipeline", response_model=LeadOut, status_code=202)
def restart_pipeline(lead_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> LeadOut:
    """Send the lead down the pipeline again from the start (e.g. after it failed)."""
    lead = get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    service.start(session, lead)
    return LeadOut.model_validate(lead)
