"""The lead pipeline: harvested -> enriching -> qualifying -> strategizing -> finalizing ->
completed, or failed with the reason. Each stage is one job; the lead shows where it is."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.events.service import record
from leadflow.models import Activity, Lead, LeadStage
from leadflow.models.base import table, utcnow
from leadflow.pipeline import stages
from leadflow.pipeline.stages import FINAL, PipelineFailure, Step, next_stage, progress_at
from leadflow.worker import enqueue

ACTOR = "pipeline"


def start(session: Session, lead: Lead) -> None:
    """Sends a lead (new, or back at the start) down the pipeline."""
    lead.stage = LeadStage.harvested
    lead.stage_changed_at = utcnow()
    lead.pipeline_step, lead.pipeline_progress, lead.pipeline_error = None, 0, None
    lead.stage_timings = {}
    enqueue(session, "pipeline.run_stage", lead.workspace_id, lead.id, LeadStage.harvested.value)


def run_stage(session: Session, workspace_id: int, lead_id: int, stage: LeadStage) -> None:
    """Runs the stage's steps, then moves the lead on: all in the job's one transaction, except
    the live progress, which steps report as they begin while the job has not yet written, and
    what steps ask outside, which they ask before it begins (their ``prepare``)."""
    if not _still_at(workspace_id, lead_id, stage):
        return  # a replayed or late run finds the lead moved on
    started = time.perf_counter()
    learned: list[str] = []
    lead: Lead | None = None
    try:
        prepared = _prepare(session, workspace_id, lead_id, stage)
        for done, declared in enumerate(stages.STEPS[stage]):
            if declared.prepare is None:  # a prepared step showed itself while it prepared
                report_progress(session, workspace_id, lead_id, stage, declared, done)
            lead = lead or _load(session, workspace_id, lead_id)
            with session.no_autoflush:  # the stage writes when it ends
                if (what := declared.run(session, lead, prepared[done])) is not None:
                    learned.append(what)
        lead = lead or _load(session, workspace_id, lead_id)
    except PipelineFailure as failure:
        fail(session, lead or _load(session, workspace_id, lead_id), str(failure))
        return
    _move_on(session, lead, stage, seconds=time.perf_counter() - started, learned=learned)


def _prepare(session: Session, workspace_id: int, lead_id: int, stage: LeadStage) -> list[Any]:
    """Each step's ``prepare`` (None for a step without one), run in a read-only session before
    the job's transaction begins: what the steps ask outside, no one waits for."""
    declared_steps = stages.STEPS[stage]
    prepared: list[Any] = [None] * len(declared_steps)
    if all(declared.prepare is None for declared in declared_steps):
        return prepared
    with get_sessionmaker(writes=False)() as reader:
        lead = _load(reader, workspace_id, lead_id)
        for done, declared in enumerate(declared_steps):
            if declared.prepare is not None:
                report_progress(session, workspace_id, lead_id, stage, declared, done)
                prepared[done] = declared.prepare(reader, lead)
    return prepared


def _move_on(
    session: Session, lead: Lead, stage: LeadStage, *, seconds: float, learned: list[str]
) -> None:
    following = next_stage(stage)
    _enter(session, lead, following, timing=(stage, seconds))
    if learned:
        session.add(
            Activity(
                workspace_id=lead.workspace_id,
                lead_id=lead.id,
                kind="pipeline.learned",
                actor=ACTOR,
                data={"stage": stage.value, "learned": learned},
            )
        )
    if following not in FINAL:
        enqueue(session, "pipeline.run_stage", lead.workspace_id, lead.id, following.value)


def fail_at(
    session: Session, workspace_id: int, lead_id: int, stage: LeadStage, reason: str
) -> None:
    """The stage's job gave up: the lead ends in ``failed``, saying why."""
    lead = lead_at_stage(session, workspace_id, lead_id, stage)
    if lead is not None:
        fail(session, lead, reason)


def fail(session: Session, lead: Lead, reason: str) -> None:
    lead.pipeline_error = reason[:2000]
    _enter(session, lead, LeadStage.failed, timing=None)


def _enter(
    session: Session, lead: Lead, stage: LeadStage, *, timing: tuple[LeadStage, float] | None
) -> None:
    previous = lead.stage
    if timing is not None:
        lead.stage_timings = {**lead.stage_timings, timing[0].value: round(timing[1], 4)}
    lead.stage = stage
    lead.stage_changed_at = utcnow()
    lead.pipeline_progress = progress_at(stage)
    lead.pipeline_step = None
    record(
        session,
        lead.workspace_id,
        "lead.stage_changed",
        lead_id=lead.id,
        stage=stage.value,
        previous=previous,
        progress=lead.pipeline_progress,
        error=lead.pipeline_error,
    )


def report_progress(
    session: Session, workspace_id: int, lead_id: int, stage: LeadStage, declared: Step, done: int
) -> None:
    """Shows the step now running: at once, in its own short transaction, while the job's own
    transaction has not begun (once it has, on SQLite it holds the one write lock, so the step
    shows when the stage commits). Saying it twice does no harm."""
    progress = progress_at(stage, done)
    if session.in_transaction():
        _write_progress(session, workspace_id, lead_id, stage, declared.label, progress)
        return
    with unit_of_work() as progress_session:
        _write_progress(progress_session, workspace_id, lead_id, stage, declared.label, progress)


def _write_progress(
    session: Session, workspace_id: int, lead_id: int, stage: LeadStage, label: str, progress: int
) -> None:
    leads = table(Lead)
    session.execute(
        update(leads)
        .where(leads.c.id == lead_id, leads.c.stage == stage)
        .values(pipeline_step=label, pipeline_progress=progress)
        .execution_options(synchronize_session=False)
    )
    record(
        session,
        workspace_id,
        "lead.progress",
        lead_id=lead_id,
        stage=stage.value,
        step=label,
        progress=progress,
    )


def _still_at(workspace_id: int, lead_id: int, stage: LeadStage) -> bool:
    with get_sessionmaker(writes=False)() as reader:
        return lead_at_stage(reader, workspace_id, lead_id, stage) is not None


def _load(session: Session, workspace_id: int, lead_id: int) -> Lead:
    lead = session.scalars(
        select(Lead).where(Lead.id == lead_id, Lead.workspace_id == workspace_id)
    ).one()
    return lead


def lead_at_stage(
    session: Session, workspace_id: int, lead_id: int, stage: LeadStage
) -> Lead | None:
    """The lead, if it is still at ``stage``: a replayed or late job finds it moved on and stops."""
    # No row lock: the job ledger already lets only one run of a stage hold it at a time.
    query = select(Lead).where(
        Lead.id == lead_id, Lead.workspace_id == workspace_id, Lead.stage == stage
    )
    return session.scalars(query).first()
