"""The event log: every change worth showing, written in the transaction of the change, which
also enqueues the reactions other domains declared to it (``events.subscriptions``).

Events wait in the session until it commits, then go in together at the last moment, so that
on PostgreSQL a workspace's events can be numbered in commit order (a short advisory lock held
only across the commit): a reader resuming after event N never misses one committed later with
a smaller number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event as orm_event
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from leadflow.events import bell
from leadflow.events.subscriptions import react_to
from leadflow.kit import on_commit
from leadflow.models import Event
from leadflow.models.base import table, utcnow

_PENDING = "leadflow_pending_events"
_RINGING = "leadflow_events_to_announce"
_EVENT_LOCK_CLASS = 7_001  # advisory lock namespace: (class, workspace id)
_events = table(Event)


def record(
    session: Session, workspace_id: int, type: str, *, lead_id: int | None = None, **data: Any
) -> None:
    """Notes that ``type`` happened; it is written when (and only if) the session commits."""
    on_commit.hold(
        session,
        _PENDING,
        {
            "workspace_id": workspace_id,
            "type": type,
            "lead_id": lead_id,
            "data": data,
            "occurred_at": utcnow(),
        },
    )


@orm_event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint is released: its events go in with the transaction's, once
    pending: list[dict[str, Any]] = on_commit.take(session, _PENDING)
    if not pending:
        return
    workspace_ids = sorted({row["workspace_id"] for row in pending})
    _serialise_numbering(session, workspace_ids)
    written = session.execute(insert(_events).returning(*_events.c), pending).all()
    session.info.setdefault(_RINGING, set()).update(workspace_ids)
    react_to(session, [Event(**row._mapping) for row in written])


def _serialise_numbering(session: Session, workspace_ids: list[int]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite has one writer at a time: ids already follow commit order
    for workspace_id in workspace_ids:
        session.execute(select(func.pg_advisory_xact_lock(_EVENT_LOCK_CLASS, workspace_id)))


@orm_event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    if not on_commit.committed_for_good(session):
        return  # a savepoint was released: readers cannot see its events yet
    workspace_ids = session.info.pop(_RINGING, None)
    if workspace_ids:
        bell.ring(workspace_ids)


@orm_event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, rolled_back: SessionTransaction) -> None:
    on_commit.forget(session, rolled_back, _PENDING)
    if rolled_back.parent is None:
        session.info.pop(_RINGING, None)
