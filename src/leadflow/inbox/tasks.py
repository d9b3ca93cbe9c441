"""Handling what the inbox received, in jobs.

A delivery's row is its own queue entry (state ``received``), so the request that keeps it
writes a drain job only when none is waiting to start: that one will see the new delivery too.
A drain handles a batch and, if more are waiting, queues the next. A sweep every minute catches
anything left behind."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from leadflow.inbox import service
from leadflow.models import Job, JobState
from leadflow.models.base import table
from leadflow.worker import enqueue
from leadflow.worker.registry import Priority, job, periodic

BATCH = 200  # the drain holds the SQLite writer while it works: keep that short


DRAIN = "inbox.drain"


@job(
    DRAIN,
    max_attempts=10,
    scoped=False,
    priority=Priority.reply,
    formerly="inbox.tasks.drain_inbox",
)
def drain_inbox(session: Session) -> None:
    if service.handle_waiting(session, limit=BATCH) == BATCH:
        enqueue(session, DRAIN)


def ask_for_drain(session: Session) -> None:
    """In the transaction that keeps a delivery: queue a drain unless one is waiting to start."""
    if session.execute(_WAITING_DRAIN, {"name": DRAIN}).first() is None:
        enqueue(session, DRAIN)


_jobs = table(Job)
_WAITING_DRAIN = (
    select(_jobs.c.id)
    .where(_jobs.c.state == JobState.queued, _jobs.c.name == bindparam("name"))
    .limit(1)
)


@periodic(minute="*")
def sweep_inbox(session: Session) -> None:
    service.handle_waiting(session, limit=1000, older_than=timedelta(seconds=30))
