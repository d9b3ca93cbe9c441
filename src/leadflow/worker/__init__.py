"""Background jobs: durable, retried, run once.

A job is written to the ledger (the ``job`` table) in the transaction that asks for it, handed
to huey only once that transaction commits, and marked done in the job's own transaction. A
crash anywhere leaves either a job to run (recovery hands it over again) or a job done with all
its effects; never half of one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from leadflow.kit import on_commit
from leadflow.models import Job
from leadflow.models.base import utcnow
from leadflow.worker import metrics
from leadflow.worker.queue import dispatch
from leadflow.worker.registry import Priority, job, periodic, spec

__all__ = ["Priority", "enqueue", "job", "periodic"]

_PENDING = "leadflow_pending_jobs"


def enqueue(session: Session, name: str, *args: Any, delay: float = 0) -> Job:
    """Asks for the job ``name`` to run with ``args`` after ``session`` commits; never if it
    rolls back. The job is looked up by name, so no domain imports another's tasks."""
    declared = spec(name)
    row = Job(
        name=declared.name,
        args=list(args),
        max_attempts=declared.max_attempts,
        priority=declared.priority,
        workspace_id=args[0] if declared.scoped else None,
        run_after=utcnow() + timedelta(seconds=delay),
    )
    session.add(row)
    on_commit.hold(session, _PENDING, (row, delay))
    metrics.count_enqueued(declared.name)
    return row


@event.listens_for(Session, "after_commit")
def _dispatch_pending(session: Session) -> None:
    if not on_commit.committed_for_good(session):
        return  # a savepoint was released: the rows are not visible to a worker yet
    for row, delay in on_commit.take(session, _PENDING):
        # The request's (or parent job's) id is in the log context: this line links them.
        structlog.get_logger().info("job.enqueued", queued_job_id=row.id, queued_job=row.name)
        dispatch([row.id], delay=delay, priority=row.priority)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, rolled_back: SessionTransaction) -> None:
    on_commit.forget(session, rolled_back, _PENDING)
