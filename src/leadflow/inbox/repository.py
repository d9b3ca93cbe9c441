from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from leadflow.models import InboundWebhook, InboxState
from leadflow.models.base import table

_inbox = table(InboundWebhook)


def keep(session: Session, row: dict[str, object]) -> int | None:
    """Stores the delivery; None if this provider's event id is already in the inbox."""
    inserted = session.execute(_keep_once(session.get_bind().dialect.name), row).first()
    return None if inserted is None else int(inserted.id)


@lru_cache
def _keep_once(dialect: str) -> Any:
    # Built once: the hot path of every webhook should not rebuild and re-key its statement.
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(_inbox)
    return statement.on_conflict_do_nothing(
        index_elements=["workspace_id", "provider", "event_id"]
    ).returning(_inbox.c.id)


def find(session: Session, workspace_id: int, provider: str, event_id: str) -> int | None:
    return session.scalar(
        select(_inbox.c.id).where(
            _inbox.c.workspace_id == workspace_id,
            _inbox.c.provider == provider,
            _inbox.c.event_id == event_id,
        )
    )


def waiting(
    session: Session, *, limit: int, older_than: datetime | None = None
) -> Sequence[InboundWebhook]:
    """Deliveries not yet handled, oldest first; rows another worker holds are skipped."""
    query = (
        select(InboundWebhook)
        .where(InboundWebhook.state == InboxState.received)
        .order_by(InboundWebhook.id)
        .limit(limit)
    )
    if older_than is not None:
        query = query.where(InboundWebhook.received_at < older_than)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).all()
