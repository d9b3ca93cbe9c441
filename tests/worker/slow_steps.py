"""Imported only by the worker processes of the kill test: a slow step in three stages, so a
kill lands in the middle of a stage's transaction, and a trace of each stage having run (its
``pipeline.learned`` activity) that a stage applied twice would show twice."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from leadflow.models import Lead, LeadStage
from leadflow.pipeline.stages import step

SLOW_STAGES = (LeadStage.qualifying, LeadStage.strategizing, LeadStage.finalizing)
STEP_SECONDS = 0.06


def _research(session: Session, lead: Lead) -> str:
    time.sleep(STEP_SECONDS)  # a provider call, inside the stage's transaction
    return "researched"


for _stage in SLOW_STAGES:
    step(_stage, f"researching ({_stage.value})")(_research)
