"""The job ledger: claim, finish, fail, recover. Every state change is one small statement."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session

from leadflow.models import DeadJob, Job, JobState
from leadflow.models.base import table, utcnow

_jobs = table(Job)


@dataclass(frozen=True)
class Claim:
    job_id: int
    name: str
    args: list[object]
    token: str
    attempt: int
    priority: int = 0


def name_and_priority(session: Session, job_id: int) -> tuple[str, int] | None:
    row = session.execute(
        select(_jobs.c.name, _jobs.c.priority).where(_jobs.c.id == job_id)
    ).first()
    return None if row is None else (row.name, row.priority)


def claim(session: Session, job_id: int, *, lease: timedelta) -> Claim | None:
    """Takes the job for one run, unless it is done, dead, not due, or leased to another."""
    now = utcnow()
    token = secrets.token_hex(8)
    taken = session.execute(
        update(_jobs)
        .where(_jobs.c.id == job_id, _claimable(now))
        .values(
            state=JobState.running,
            lease_token=token,
            leased_until=now + lease,
            attempts=_jobs.c.attempts + 1,
            updated_at=now,
        )
        .returning(_jobs.c.name, _jobs.c.args, _jobs.c.attempts, _jobs.c.priority)
    ).first()
    if taken is None:
        return None
    return Claim(job_id, taken.name, list(taken.args), token, taken.attempts, taken.priority)


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(_jobs.c.state == JobState.queued, _jobs.c.run_after <= now),
        and_(_jobs.c.state == JobState.running, _jobs.c.leased_until < now),
    )


def finish(session: Session, claimed: Claim) -> bool:
    """Marks the run done, in the job's own transaction; False if the lease was lost."""
    now = utcnow()
    done: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(_jobs)
        .where(_jobs.c.id == claimed.job_id, _jobs.c.lease_token == claimed.token)
        .values(state=JobState.done, finished_at=now, leased_until=None, updated_at=now)
    )
    return bool(done.rowcount)


def backoff(attempt: int, *, base: float = 2.0, cap: float = 3600.0) -> float:
    """Seconds before the next try: doubling from ``base``, capped, with jitter so that jobs that
    failed together do not all come back together."""
    return min(cap, base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)


def fail(
    session: Session,
    claimed: Claim,
    *,
    error: str,
    max_attempts: int,
    workspace_id: int | None,
    retry: bool = True,
) -> float | None:
    """Records a failed run: seconds until it is retried, or None when it is now dead (out of
    attempts, or ``retry`` False: an error no retry can mend)."""
    now = utcnow()
    if not retry or claimed.attempt >= max_attempts:
        _mark(session, claimed, state=JobState.dead, error=error, run_after=now)
        session.add(
            DeadJob(
                job_id=claimed.job_id,
                workspace_id=workspace_id,
                name=claimed.name,
                args=claimed.args,
                attempts=claimed.attempt,
                error=error,
            )
        )
        return None
    delay = backoff(claimed.attempt)
    _mark(
        session,
        claimed,
        state=JobState.queued,
        error=error,
        run_after=now + timedelta(seconds=delay),
    )
    return delay


def _mark(session: Session, claimed: Claim, *, state: str, error: str, run_after: datetime) -> None:
    session.execute(
        update(_jobs)
        .where(_jobs.c.id == claimed.job_id, _jobs.c.lease_token == claimed.token)
        .values(
            state=state,
            last_error=error[:4000],
            run_after=run_after,
            lease_token=None,
            leased_until=None,
            updated_at=utcnow(),
        )
    )


def overdue(
    session: Session, *, grace: timedelta, queue_idle: bool, limit: int = 1000
) -> dict[int, list[int]]:
    """Jobs that should be running and are not: leased to a worker that stopped renewing (it
    died), and, when the queue has nothing waiting, queued long past their time (the queue lost
    them, or never got them). A queue that is merely behind still holds them: handing them over
    again would only lengthen it. Their ids by priority."""
    now = utcnow()
    stale: ColumnElement[bool] = and_(_jobs.c.state == JobState.running, _jobs.c.leased_until < now)
    if queue_idle:
        lost = and_(_jobs.c.state == JobState.queued, _jobs.c.run_after <= now - grace)
        stale = or_(stale, lost)
    rows = session.execute(
        select(_jobs.c.id, _jobs.c.priority)
        .where(stale)
        .order_by(_jobs.c.priority.desc(), _jobs.c.id)
        .limit(limit)
    )
    by_priority: dict[int, list[int]] = {}
    for job_id, priority in rows:
        by_priority.setdefault(priority, []).append(job_id)
    return by_priority


def due(session: Session, *, limit: int = 100, name: str | None = None) -> Sequence[int]:
    """Jobs ready to run, the most pressing first; only those called ``name`` when given."""
    query = select(_jobs.c.id).where(_claimable(utcnow()))
    if name is not None:
        query = query.where(_jobs.c.name == name)
    return session.scalars(query.order_by(_jobs.c.priority.desc(), _jobs.c.id).limit(limit)).all()


def depth(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(_jobs.c.state, func.count())
        .where(_jobs.c.state.in_([JobState.queued, JobState.running]))
        .group_by(_jobs.c.state)
    )
    counts: dict[str, int] = dict.fromkeys((JobState.queued, JobState.running), 0)
    counts.update(dict(rows.all()))  # Result.tuples() fails on SQLAlchemy 2.1
    return counts
