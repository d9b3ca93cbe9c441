"""The pipeline's stages and the steps each one runs. Capabilities add their steps here: the
stage order and the bookkeeping around them stay the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


Prepare = Callable[[Session, Lead], Any]


@dataclass(frozen=True)
class Step:
    """One piece of a stage's work. It may run more than once (a crash replays its stage), so
    it must leave the lead the same however often it runs; it returns what it did, or None.

    A step that asks something outside (an LLM, a scoring service) does so in ``prepare``,
    which runs before the stage's transaction begins, in a read-only session: on SQLite that
    transaction holds the one writer from its first statement to its commit, and every other
    write in the process would wait for the provider's answer. ``prepare`` returns plain data
    (no rows of its session), handed to ``work`` as its third argument; ``work`` stores it."""

    label: str  # shown on the board while it runs, e.g. "reading company website"
    work: Callable[..., str | None]  # (session, lead), or (session, lead, prepared)
    prepare: Prepare | None = None

    def run(self, session: Session, lead: Lead, prepared: Any) -> str | None:
        if self.prepare is None:
            return self.work(session, lead)
        return self.work(session, lead, prepared)


STEPS: dict[LeadStage, list[Step]] = {stage: [] for stage in ORDER}


def step(
    stage: LeadStage, label: str, *, prepare: Prepare | None = None
) -> Callable[[Callable[..., str | None]], Step]:
    def declare(work: Callable[..., str | None]) -> Step:
        declared = Step(label, work, prepare)
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
