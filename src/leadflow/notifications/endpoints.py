from __future__ import annotations

from fastapi import APIRouter

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.notifications import service
from leadflow.notifications.schemas import TargetsIn, TargetsOut

router = APIRouter(tags=["notifications"])


@router.get("/notifications/targets", response_model=TargetsOut)
def get_targets(workspace: WorkspaceDep) -> TargetsOut:
    """Where this workspace's alerts go: hot leads, hand-offs, quotas nearly spent."""
    chosen = service.targets(workspace)
    return TargetsOut(emails=list(chosen.emails), sms_number=chosen.sms_number)


@router.put("/notifications/targets", response_model=TargetsOut)
def set_targets(payload: TargetsIn, session: SessionDep, workspace: WorkspaceDep) -> TargetsOut:
    """Set the addresses alerts are emailed to and the number they are texted to."""
    chosen = service.set_targets(
        session, workspace, emails=payload.emails, sms_number=payload.sms_number
    )
    return TargetsOut(emails=list(chosen.emails), sms_number=chosen.sms_number)
