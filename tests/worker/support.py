"""Looking at the job ledger, the queue and what jobs wrote."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from leadflow.models import Event, Job
from leadflow.models.base import utcnow
from leadflow.worker import enqueue


def queue_job(session: Session, name: str, *args: Any) -> int:
    """Asks for a job and commits: the ledger row's id."""
    row = enqueue(session, name, *args)
    session.commit()
    return row.id


def ledger_row(session: Session, job_id: int) -> Job:
    session.expire_all()
    row = session.get(Job, job_id)
    assert row is not None
    return row


def make_due(session: Session, job_id: int) -> None:
    """What waiting out a retry's backoff does, without the wait."""
    session.execute(
        update(Job).where(Job.id == job_id).values(run_after=utcnow() - timedelta(seconds=1))
    )
    session.commit()


def dispatched_ids() -> list[int]:
    """Job ids waiting in the huey queue (nothing consumes it in the tests' own process)."""
    from leadflow.worker.queue import get_queue

    # Periodic jobs carry no arguments: a killed worker's scheduler may have left some there.
    return [message.args[0] for message in get_queue().huey.pending() if message.args]


def texts(session: Session, workspace_id: int, type: str = "test.noted") -> list[str]:
    rows = session.scalars(
        select(Event)
        .where(Event.workspace_id == workspace_id, Event.type == type)
        .order_by(Event.id)
    )
    return [row.data["text"] for row in rows]
