"""Handing a notification to its channel, as a job: read, send with no transaction open,
record what the channel said. One handed over is not handed again."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from leadflow.db import get_sessionmaker
from leadflow.events.subscriptions import react
from leadflow.integrations.messaging.base import DeliveryRefused, Outgoing
from leadflow.integrations.messaging.factory import get_sender
from leadflow.models import Conversation, Lead, Notification, NotificationStatus
from leadflow.models.base import utcnow
from leadflow.notifications import service
from leadflow.worker.registry import Priority, job


def _waiting(notification: Notification) -> bool:
    """Queued and not handed yet (a provider may call one it took "queued" too)."""
    return notification.status == NotificationStatus.queued and notification.handed_at is None


def _gave_up(session: Session, error: str, workspace_id: int, notification_id: int) -> None:
    notification = session.get(Notification, notification_id)
    if notification is not None and _waiting(notification):
        notification.status = NotificationStatus.failed
        notification.error = f"gave up: {error}"[:2000]


@job(
    "notifications.deliver", max_attempts=5, on_dead=_gave_up, priority=Priority.prompt,
    formerly="notifications.tasks.deliver",
)  # fmt: skip
def deliver(session: Session, workspace_id: int, notification_id: int) -> None:
    with get_sessionmaker(writes=False)() as reader:
        found = reader.get(Notification, notification_id)
        if found is None or found.workspace_id != workspace_id or not _waiting(found):
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
        notification.status, notification.error = NotificationStatus.failed, str(refused)[:2000]
        return
    notification.status = NotificationStatus.of_provider(handed.status)
    notification.handed_at = utcnow()
    notification.provider, notification.provider_message_id = (
        handed.provider,
        handed.provider_message_id,
    )


@job("notifications.alert_hot_lead", priority=Priority.prompt)
def alert_hot_lead(
    session: Session, workspace_id: int, lead_id: int, score: int, reasons: list[dict[str, Any]]
) -> None:
    """Tells the business's people a lead just turned hot, with why."""
    lead = session.get(Lead, lead_id)
    if lead is not None and lead.workspace_id == workspace_id:
        texts = [str(reason.get("text", "")) for reason in reasons]
        service.hot_lead(session, lead, score=score, reasons=texts)


@job("notifications.alert_handoff", priority=Priority.prompt)
def alert_handoff(
    session: Session, workspace_id: int, lead_id: int, conversation_id: int, reason: str
) -> None:
    """Tells the business's people the agent handed a conversation to them."""
    lead = session.get(Lead, lead_id)
    conversation = session.get(Conversation, conversation_id)
    if lead is None or conversation is None or lead.workspace_id != workspace_id:
        return
    service.handoff(session, lead, channel=conversation.channel, reason=reason)


react("lead.hot", "notifications.alert_hot_lead", args=("lead_id", "score", "reasons"))
react(
    "conversation.handoff", "notifications.alert_handoff",
    args=("lead_id", "conversation_id", "reason"),
)  # fmt: skip
