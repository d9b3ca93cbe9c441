"""Handing a notification to its channel, as a job: read, send with no transaction open,
record what the channel said. One handed over is not handed again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.db import get_sessionmaker
from leadflow.integrations.messaging.base import DeliveryRefused, Outgoing
from leadflow.integrations.messaging.factory import get_sender
from leadflow.models import Notification
from leadflow.models.base import utcnow
from leadflow.worker.registry import job


def _gave_up(session: Session, error: str, workspace_id: int, notification_id: int) -> None:
    notification = session.get(Notification, notification_id)
    if notification is not None and notification.status == "queued":
        notification.status, notification.error = "failed", f"gave up: {error}"[:2000]


@job(max_attempts=5, on_dead=_gave_up)
def deliver(session: Session, workspace_id: int, notification_id: int) -> None:
    with get_sessionmaker(writes=False)() as reader:
        found = reader.get(Notification, notification_id)
        if found is None or found.workspace_id != workspace_id or found.status != "queued":
            return
        outgoing = Outgoing(
            channel=found.channel,  # type: ignore[arg-type]
            to=found.recipient, body=found.body, subject=found.subject,
            idempotency_key=found.idempotency_key,
        )  # fmt: skip
    notification = session.get(Notification, notification_id)
    assert notification is not None
    try:
        handed = get_sender(outgoing.channel).send(outgoing)
    except DeliveryRefused as refused:
        notification.status, notification.error = "failed", str(refused)[:2000]
        return
    notification.status, notification.handed_at = handed.status, utcnow()
    notification.provider, notification.provider_message_id = (
        handed.provider,
        handed.provider_message_id,
    )
