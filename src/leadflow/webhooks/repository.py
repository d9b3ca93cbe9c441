"""Every query on webhook endpoints, deliveries and attempts, each scoped to one workspace."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.orm import Session

from leadflow.kit.pagination import Sort, after_cursor, encode_cursor
from leadflow.models import DeliveryState, Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from leadflow.models.base import utcnow

_NEWEST_FIRST = Sort(
    key="-created_at",
    column=WebhookDelivery.created_at,
    id_column=WebhookDelivery.id,
    kind=datetime,
)


def endpoints(session: Session, workspace_id: int) -> Sequence[WebhookEndpoint]:
    return session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.workspace_id == workspace_id)
        .order_by(WebhookEndpoint.id)
    ).all()


def all_endpoints(session: Session) -> Sequence[WebhookEndpoint]:
    """Every workspace's endpoints: for re-sealing their secrets under a new key."""
    return session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()


def count_endpoints(session: Session, workspace_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(WebhookEndpoint)
            .where(WebhookEndpoint.workspace_id == workspace_id)
        )
        or 0
    )


def get_endpoint(session: Session, workspace_id: int, endpoint_id: int) -> WebhookEndpoint | None:
    return session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.workspace_id == workspace_id
        )
    )


def delete_endpoint(session: Session, endpoint: WebhookEndpoint) -> None:
    """Its deliveries and their attempts go with it (the foreign keys cascade)."""
    session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id))


def get_delivery(session: Session, workspace_id: int, delivery_id: int) -> WebhookDelivery | None:
    return session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.workspace_id == workspace_id
        )
    )


def delivery_with_type(
    session: Session, workspace_id: int, delivery_id: int
) -> Row[WebhookDelivery, str] | None:
    return session.execute(
        select(WebhookDelivery, Event.type)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.workspace_id == workspace_id)
    ).first()


def deliveries_of(
    session: Session,
    workspace_id: int,
    endpoint_id: int,
    *,
    state: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Row[WebhookDelivery, str]], str | None]:
    """An endpoint's deliveries with their event's type, newest first."""
    statement: Any = (
        select(WebhookDelivery, Event.type)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(
            WebhookDelivery.workspace_id == workspace_id,
            WebhookDelivery.endpoint_id == endpoint_id,
        )
    )
    if state is not None:
        statement = statement.where(WebhookDelivery.state == state)
    page = after_cursor(statement, _NEWEST_FIRST, cursor).limit(limit + 1)
    rows = list(session.execute(page))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1][0]
    return rows[:limit], encode_cursor(_NEWEST_FIRST, last.created_at, last.id)


def attempts_of(session: Session, delivery_id: int) -> Sequence[WebhookAttempt]:
    return session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery_id)
        .order_by(WebhookAttempt.id)
    ).all()


def delivery_to_send(
    session: Session, workspace_id: int, delivery_id: int
) -> Row[WebhookDelivery, WebhookEndpoint, Event] | None:
    return session.execute(
        select(WebhookDelivery, WebhookEndpoint, Event)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.workspace_id == workspace_id)
    ).first()


def abandon_pending(session: Session, endpoint_id: int) -> None:
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.state == DeliveryState.pending,
        )
        .values(state=DeliveryState.abandoned, next_attempt_at=None, updated_at=utcnow())
    )


def take_lost_deliveries(
    session: Session, *, due_before: datetime, limit: int = 500
) -> Sequence[Row[int, int]]:
    """Pending deliveries of enabled endpoints long past their time, made due now (so the next
    sweep leaves them alone while they wait in the queue): their ids and workspaces."""
    lost = (
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.state == DeliveryState.pending,
            WebhookDelivery.next_attempt_at < due_before,
            WebhookEndpoint.enabled.is_(True),
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    )
    now = utcnow()
    return session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(lost))
        .values(next_attempt_at=now, updated_at=now)
        .returning(WebhookDelivery.id, WebhookDelivery.workspace_id),
        execution_options={"synchronize_session": False},
    ).all()
