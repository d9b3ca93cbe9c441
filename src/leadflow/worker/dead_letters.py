"""Jobs that used up their retries, and running them again."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.exceptions import Conflict, NotFound
from leadflow.kit.pagination import Sort, fetch_page
from leadflow.models import DeadJob, Job
from leadflow.models.base import utcnow
from leadflow.worker import enqueue
from leadflow.worker.registry import spec


def list_dead(
    session: Session, *, workspace_id: int | None, include_replayed: bool = False
) -> Sequence[DeadJob]:
    """A workspace's dead jobs; ``None`` means every workspace's (the operator's view)."""
    query = select(DeadJob).order_by(DeadJob.id.desc()).limit(500)
    if workspace_id is not None:
        query = query.where(DeadJob.workspace_id == workspace_id)
    if not include_replayed:
        query = query.where(DeadJob.replayed_at.is_(None))
    return session.scalars(query).all()


_NEWEST_FIRST = Sort(key="-id", column=DeadJob.id, id_column=DeadJob.id, kind=int)


def dead_page(
    session: Session,
    *,
    workspace_id: int,
    include_replayed: bool,
    limit: int,
    cursor: str | None,
) -> tuple[list[DeadJob], str | None]:
    """A page of a workspace's dead jobs, newest first."""
    query = select(DeadJob).where(DeadJob.workspace_id == workspace_id)
    if not include_replayed:
        query = query.where(DeadJob.replayed_at.is_(None))
    return fetch_page(session, query, _NEWEST_FIRST, limit=limit, cursor=cursor)


def unreplayed(session: Session) -> int:
    """How many dead jobs, of every workspace, wait for someone to replay or dismiss them."""
    query = select(func.count()).select_from(DeadJob).where(DeadJob.replayed_at.is_(None))
    return session.scalar(query) or 0


def replay(session: Session, dead_id: int, *, workspace_id: int | None) -> Job:
    """Queues the job again, with fresh attempts; the dead letter remembers the replay."""
    dead = session.get(DeadJob, dead_id)
    if dead is None or (workspace_id is not None and dead.workspace_id != workspace_id):
        raise NotFound(f"dead job {dead_id} not found")
    if dead.replayed_at is not None:
        raise Conflict(f"dead job {dead_id} was already replayed as job {dead.replay_job_id}")
    job = enqueue(session, spec(dead.name).name, *dead.args)
    session.flush()
    dead.replayed_at, dead.replay_job_id = utcnow(), job.id
    return job
