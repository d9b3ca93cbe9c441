"""Scoring's part in the lead pipeline: the qualifying stage scores the lead."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.models import Lead, LeadStage
from leadflow.pipeline.stages import step
from leadflow.scoring.service import score


@step(LeadStage.qualifying, "scoring the lead")
def score_the_lead(session: Session, lead: Lead) -> str | None:
    verdict = score(session, lead)
    return f"scored {verdict.score} ({verdict.tier})"
