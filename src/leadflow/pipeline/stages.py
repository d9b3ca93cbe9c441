"""The pipeline's stages and the steps each one runs. Capabilities add their steps here: the
stage order and the bookkeeping around them stay the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from leadflow.models import Lead, LeadStage

ORDER = (
    LeadStage.harvested,
    LeadStage.enriching,
    LeadStage.qualifying,
    LeadStage.strategizing,
    LeadStage.finalizing,
    LeadStage.completed,
)
FINAL = frozenset({LeadStage.completed, LeadStage.failed})


class PipelineFailure(Exception):
    """The lead cannot go on (not a passing fault): it ends in ``failed`` with this reason."""


@dataclass(frozen=True)
class Step:
    """One piece of a stage's work. It may run more than once (a crash replays its stage), so
    it must leave the lead the same however often it runs; it returns what it did, or None."""

    label: str  # shown on the board while it runs, e.g. "reading company website"
    work: Callable[[Session, Lead], str | None]


STEPS: dict[LeadStage, list[Step]] = {stage: [] for stage in ORDER}


def step(stage: LeadStage, label: str) -> Callable[[Callable[[Session, Lead], str | None]], Step]:
    def declare(work: Callable[[Session, Lead], str | None]) -> Step:
        declared = Step(label, work)
        STEPS[stage].append(declared)
        return declared

    return declare


def next_stage(stage: LeadStage) -> LeadStage:
    return ORDER[ORDER.index(stage) + 1]


def progress_at(stage: LeadStage, done_steps: int = 0) -> int:
    """Percent of the pipeline behind a lead that is ``done_steps`` into ``stage``."""
    if stage in FINAL:
        return 100
    span = 100 / (len(ORDER) - 1)
    steps = max(len(STEPS[stage]), 1)
    return int(ORDER.index(stage) * span + span * done_steps / steps)
