"""The runtime's own upkeep."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from leadflow.models import Job, JobState
from leadflow.models.base import table, utcnow
from leadflow.worker.registry import periodic

KEEP_DONE_JOBS = timedelta(days=7)


@periodic(minute="17", hour="*")
def prune_done_jobs(session: Session) -> None:
    jobs = table(Job)
    session.execute(
        delete(jobs).where(
            jobs.c.state == JobState.done, jobs.c.finished_at < utcnow() - KEEP_DONE_JOBS
        )
    )
