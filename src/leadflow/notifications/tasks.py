"""Handing a notification to its channel, as a job: read, find the workspace's way out and ask
its quotas, send with no transaction open, record what the channel said and which account sent
it. One handed over is not handed again."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from leadflow.db import get_sessionmaker
from leadflow.events.subscriptions import react
from leadflow.exceptions import QuotaExceeded
from leadflow.integrations.messaging.base import DeliveryRefused, Outgoing
from leadflow.models import Conversation, Lead, Notification, NotificationStatus, Workspace
from leadflow.models.base import utcnow
from leadflow.notifications import service
from leadflow.providers.metering import check_send, record_send
from leadflow.providers.service import sender_for
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
        try:
            way = sender_for(reader, workspace_id, outgoing.channel)
            check_send(reader, workspace_id, provider=way.provider, channel=outgoing.channel)
        except (DeliveryRefused, QuotaExceeded) as refused:
            _failed(session, notification_id, refused.message)
            return
    notification = session.get(Notification, notification_id)
    assert notification is not None
    try:
        handed = way.sender.send(outgoing)
    except DeliveryRefused as refused:
        notification.status, notification.error = NotificationStatus.failed, str(refused)[:2000]
        return
    notification.status = NotificationStatus.of_provider(handed.status)
    notification.handed_at = utcnow()
    notification.provider, notification.provider_message_id = (
        handed.provider,
        handed.provider_message_id,
    )
    notification.sent_via = way.sent_via
    record_send(session, workspace_id, provider=way.provider, channel=outgoing.channel)


def _failed(session: Session, notification_id: int, reason: str) -> None:
    notification = session.get(Notification, notification_id)
    if notification is not None and notification.status == "queued":
        notification.status, notification.error = "failed", reason[:2000]


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


@job("notifications.alert_usage", priority=Priority.prompt)
def alert_usage(
    session: Session, workspace_id: int, metric: str, period: str, provider: str | None,
    limit: int, used: int, percent: int,
) -> None:  # fmt: skip
    """Tells the business's people a quota or budget is nearly spent."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is not None:
        service.usage_passed(
            session, workspace, metric=metric, period=period, provider=provider, limit=limit,
            used=used, percent=percent,
        )  # fmt: skip


react("lead.hot", "notifications.alert_hot_lead", args=("lead_id", "score", "reasons"))
react(
    "usage.threshold_passed", "notifications.alert_usage",
    args=("metric", "period", "provider", "limit", "used", "percent"),
)  # fmt: skip
react(
    "conversation.handoff", "notifications.alert_handoff",
    args=("lead_id", "conversation_id", "reason"),
)  # fmt: skip
