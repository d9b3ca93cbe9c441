"""The pipeline's jobs: one per stage of each lead."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.models import LeadStage
from leadflow.pipeline import (
    contact_steps,  # noqa: F401  (declares its steps)
    service,
)
from leadflow.scoring import pipeline_steps  # noqa: F401  (declares its steps)
from leadflow.worker.registry import job


def _give_up(session: Session, error: str, workspace_id: int, lead_id: int, stage: str) -> None:
    service.fail_at(session, workspace_id, lead_id, LeadStage(stage), f"{stage}: {error}")


@job(max_attempts=5, on_dead=_give_up)
def run_stage(session: Session, workspace_id: int, lead_id: int, stage: str) -> None:
    service.run_stage(session, workspace_id, lead_id, LeadStage(stage))
