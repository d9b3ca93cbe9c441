from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.kit.pagination import Sort, fetch_page
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


_IN_ORDER = Sort(key="id", column=Event.id, id_column=Event.id, kind=int)


def events_page(
    session: Session, workspace_id: int, *, after_id: int, limit: int, cursor: str | None
) -> tuple[list[Event], str | None]:
    statement = select(Event).where(Event.workspace_id == workspace_id, Event.id > after_id)
    return fetch_page(session, statement, _IN_ORDER, limit=limit, cursor=cursor)


def last_event_id(session: Session, workspace_id: int) -> int:
    latest = session.scalar(
        select(Event.id)
        .where(Event.workspace_id == workspace_id)
        .order_by(Event.id.desc())
        .limit(1)
    )
    return latest or 0
