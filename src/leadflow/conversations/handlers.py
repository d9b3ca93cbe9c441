"""What the inbox's callbacks mean to conversations, whichever vendor carried them: a message
from a lead becomes a conversation's message; a delivery status moves an outgoing message on."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.conversations import repository, service
from leadflow.conversations.service import Inbound, receive
from leadflow.inbox.handlers import handles
from leadflow.integrations.messaging.base import InboundMessage, StatusUpdate
from leadflow.models import InboundWebhook, Workspace

# Delivery statuses, in the order a message goes through them.
PROGRESS = ("accepted", "queued", "sending", "sent", "delivered", "read")
FAILED = ("failed", "undelivered")
BODY_CHARACTERS = 4000


@handles(InboundMessage)
def message_received(session: Session, delivery: InboundWebhook, message: InboundMessage) -> None:
    workspace = session.get(Workspace, delivery.workspace_id)
    assert workspace is not None
    body = f"{message.subject}\n\n{message.body}" if message.subject else message.body
    inbound = Inbound(
        channel=message.channel, sender=message.sender, body=body[:BODY_CHARACTERS],
        provider=delivery.provider, provider_message_id=message.provider_message_id,
        received_at=delivery.received_at, sender_name=message.sender_name,
        business_address=message.recipient,
    )  # fmt: skip
    receive(session, workspace, inbound)


@handles(StatusUpdate)
def status_reported(session: Session, delivery: InboundWebhook, update: StatusUpdate) -> None:
    message = repository.message_from(
        session, delivery.workspace_id, delivery.provider, update.provider_message_id
    )
    if message is None or update.status not in PROGRESS + FAILED:
        return
    if update.status in FAILED:
        error = update.error_message or update.status
        service.record_failed(session, message, error, status=update.status)
        return
    current = message.status
    if current not in PROGRESS or PROGRESS.index(update.status) > PROGRESS.index(current):
        message.status = update.status
