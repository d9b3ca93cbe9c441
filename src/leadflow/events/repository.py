from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.models import Event


def events_after(
    session: Session, workspace_id: int, after_id: int, *, limit: int = 500
) -> Sequence[Event]:
    return session.scalars(
        select(Event)
        .where(Event.workspace_id == workspace_id, Event.id > after_id)
        .order_by(Event.id)
        .limit(limit)
    ).all()


def last_event_id(session: Session, workspace_id: int) -> int:
    latest = session.scalar(
        select(Event.id)
        .where(Event.workspace_id == workspace_id)
        .order_by(Event.id.desc())
        .limit(1)
    )
    return latest or 0
