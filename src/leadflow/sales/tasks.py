"""Leads move on through their sales stages on their own, as things happen to them: only
forward, never out of a won or lost deal (sales.service.advance)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.events.subscriptions import react
from leadflow.models import Lead, Workspace
from leadflow.sales import service
from leadflow.sales.service import StageRole
from leadflow.worker import Priority, job


@job("sales.contacted", priority=Priority.prompt)
def contacted(session: Session, workspace_id: int, lead_id: int) -> None:
    """The business answered the lead (the agent or a person): Contacted."""
    _advance(session, workspace_id, lead_id, StageRole.contacted)


@job("sales.qualified", priority=Priority.prompt)
def qualified(session: Session, workspace_id: int, lead_id: int) -> None:
    """Scoring rates the lead hot: Qualified."""
    _advance(session, workspace_id, lead_id, StageRole.qualified)


@job("sales.meeting_booked", priority=Priority.prompt)
def meeting_booked(session: Session, workspace_id: int, lead_id: int) -> None:
    """A meeting with the lead is booked: Meeting booked."""
    _advance(session, workspace_id, lead_id, StageRole.meeting)


def _advance(session: Session, workspace_id: int, lead_id: int, role: StageRole) -> None:
    lead = session.get(Lead, lead_id)
    workspace = session.get(Workspace, workspace_id)
    if lead is None or workspace is None or lead.workspace_id != workspace_id:
        return
    service.advance(session, workspace=workspace, lead=lead, role=role)


react("message.sent", "sales.contacted")
react("lead.hot", "sales.qualified")
react("meeting.booked", "sales.meeting_booked")
