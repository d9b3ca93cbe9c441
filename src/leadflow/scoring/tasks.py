"""Retraining the predictive model (on demand, and nightly for workspaces with new outcomes),
and scoring a workspace's leads again in bulk once a new version of it scores."""

from __future__ import annotations

import gc

import structlog
from sqlalchemy.orm import Session

from leadflow.db import get_sessionmaker
from leadflow.events.subscriptions import react
from leadflow.imports import service as imports
from leadflow.kit.collector import collector_paused
from leadflow.models import Lead
from leadflow.scoring import predictive, repository, service
from leadflow.worker import enqueue
from leadflow.worker.registry import Priority, job, periodic

log = structlog.get_logger()

RESCORE_BATCH = 2000  # leads judged and kept in one run
IMPORTED_BATCH = 1000  # an import's leads judged and kept in one run


@job("scoring.retrain", max_attempts=2, bulk=True, formerly="scoring.tasks.retrain")
def retrain(session: Session, workspace_id: int) -> None:
    """Trains a new version of the workspace's model, unless it has too few outcomes.

    The leads are read and the model trained before ``session`` is touched: on SQLite its first
    query takes the write lock, which must not be held for the seconds training takes."""
    with get_sessionmaker(writes=False)() as reader:
        rows, outcomes = predictive.outcome_rows(reader, workspace_id)
    try:
        model = predictive.train(rows, outcomes)
    except predictive.NotEnoughOutcomes as error:
        log.info("scoring.model.skipped", workspace_id=workspace_id, reason=error.message)
        return
    predictive.store_model(session, workspace_id, model)
    enqueue(session, "scoring.rescore", workspace_id)


@job("scoring.rescore", max_attempts=3, bulk=True, formerly="scoring.tasks.rescore")
def rescore(session: Session, workspace_id: int, after_id: int = 0) -> None:
    """Scores the workspace's scored leads again, ``RESCORE_BATCH`` of them a run, and queues
    the next batch until none is left. A batch is read and judged in bulk before ``session`` is
    touched (on SQLite its first query takes the one writer); ``session`` only keeps it."""
    with get_sessionmaker(writes=False)() as reader:
        leads = repository.scored_leads(reader, workspace_id, after=after_id, limit=RESCORE_BATCH)
        verdicts = service.assess_many(reader, workspace_id, leads)
        judged = {
            lead.id: (lead.scored_at, verdict)
            for lead, verdict in zip(leads, verdicts, strict=True)
        }
    service.keep_judged(session, workspace_id, judged)
    if len(judged) == RESCORE_BATCH:
        enqueue(session, "scoring.rescore", workspace_id, max(judged))


def _scoring_gave_up(session: Session, error: str, workspace_id: int, import_id: int) -> None:
    imports.scoring_stopped(session, import_id=import_id, reason=error)


@job("scoring.score_imported", max_attempts=3, bulk=True, on_dead=_scoring_gave_up)
def score_imported(session: Session, workspace_id: int, import_id: int) -> None:
    """Scores the next ``IMPORTED_BATCH`` of the leads an import created, as each would be
    scored alone, and queues the next batch; the import is completed once none is left. A
    batch is read and judged before ``session`` is touched (on SQLite its first query takes
    the one writer, and this bulk job yields it to everyone else); ``session`` keeps the
    verdicts in one statement with the import's progress. One event tells of each batch."""
    with collector_paused():  # a batch's thousands of objects, read, judged and dropped
        _score_next_batch(session, workspace_id, import_id)
    gc.collect(1)


def _score_next_batch(session: Session, workspace_id: int, import_id: int) -> None:
    with get_sessionmaker(writes=False)() as reader:
        after = imports.scoring_cursor(reader, import_id)
        if after is None:
            return
        origin = imports.origin_of(import_id)
        leads = repository.leads_from(
            reader, workspace_id, origin=origin, after=after, limit=IMPORTED_BATCH
        )
        judged = service.judge_batch(reader, workspace_id, leads)
    last_id = leads[-1].id if leads else None
    if not imports.scoring_progressed(
        session, import_id=import_id, after=after, last_id=last_id,
        scored=len(judged.verdicts), failures=judged.failures,
    ):  # fmt: skip
        return
    if not leads:
        return
    service.tell_of_imported(
        session, workspace_id, import_id, judged, service.keep_batch(session, judged)
    )
    enqueue(session, "scoring.score_imported", workspace_id, import_id)


@periodic(hour="2", minute="0")
def retrain_grown(session: Session) -> None:
    """Queues a retraining for each workspace with enough outcomes and more of them than its
    active model learned from."""
    for workspace_id in workspaces_with_new_outcomes(session):
        enqueue(session, "scoring.retrain", workspace_id)


def workspaces_with_new_outcomes(session: Session) -> list[int]:
    return repository.workspaces_with_new_outcomes(
        session, min_won=predictive.MIN_WON, min_lost=predictive.MIN_LOST
    )


@job("scoring.score_lead", priority=Priority.prompt)
def score_lead(session: Session, workspace_id: int, lead_id: int) -> None:
    """Scores a lead again once something it said was learned (a lead turning hot is
    announced: the business hears of it from that event)."""
    lead = session.get(Lead, lead_id)
    if lead is not None and lead.workspace_id == workspace_id:
        service.score(session, lead)


react("lead.qualified", "scoring.score_lead")
imports.score_new_leads_with(service.ImportScoring)
