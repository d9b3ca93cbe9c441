"""The pipeline's jobs: one per stage of each lead."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.events.subscriptions import react
from leadflow.models import Lead, LeadStage
from leadflow.pipeline import (
    contact_steps,  # noqa: F401  (declares its steps)
    service,
)
from leadflow.worker.registry import job


def _give_up(session: Session, error: str, workspace_id: int, lead_id: int, stage: str) -> None:
    service.fail_at(session, workspace_id, lead_id, LeadStage(stage), f"{stage}: {error}")


@job("pipeline.run_stage", max_attempts=5, on_dead=_give_up, formerly="pipeline.tasks.run_stage")
def run_stage(session: Session, workspace_id: int, lead_id: int, stage: str) -> None:
    service.run_stage(session, workspace_id, lead_id, LeadStage(stage))


@job("pipeline.start")
def start(session: Session, workspace_id: int, lead_id: int) -> None:
    """A new lead goes down the pipeline."""
    lead = session.get(Lead, lead_id)
    if lead is not None and lead.workspace_id == workspace_id:
        service.start(session, lead)


react("lead.created", "pipeline.start")
