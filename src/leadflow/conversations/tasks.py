"""Handing a queued message to its channel, as a job: read it and find its way out (the
workspace's own account, else the platform's, else the outbox), ask the workspace's quotas,
send it with no transaction open, record what the channel said and which account sent it. A
message already handed is not handed again."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy.orm import Session

from leadflow.compliance import policy, unsubscribe
from leadflow.config import get_settings
from leadflow.conversations import repository, service
from leadflow.db import get_sessionmaker
from leadflow.exceptions import QuotaExceeded
from leadflow.integrations.inbound import ACCOUNT_PARAMETER, PLATFORM_ACCOUNT
from leadflow.integrations.messaging.base import DeliveryRefused, Handed, Outgoing
from leadflow.models import Channel, Conversation, Lead, Message, MessageStatus, Workspace
from leadflow.providers.metering import check_send, record_send
from leadflow.providers.service import WayOut, sender_for
from leadflow.worker.registry import Priority, job

log = structlog.get_logger()


@dataclass(frozen=True)
class _Sending:
    outgoing: Outgoing | None  # None: not to be sent (the send policy refused it)
    reason: str = ""
    in_chat: bool = False  # the web chat: the visitor's page shows it, nothing to send
    way: WayOut | None = None
    refused: str = ""  # it may not leave: its account cannot be used, a quota is reached


CHAT_HANDED = Handed(provider="chat", provider_message_id=None, status=MessageStatus.delivered)


def _waiting(message: Message) -> bool:
    """Queued and not handed yet (a provider may call a message it took "queued" too)."""
    return message.status == MessageStatus.queued and message.handed_at is None


def _gave_up(session: Session, error: str, workspace_id: int, message_id: int) -> None:
    message = repository.message(session, workspace_id, message_id)
    if message is not None and _waiting(message):
        service.record_failed(session, message, f"gave up after retries: {error}")


@job(
    "conversations.hand_over", max_attempts=5, on_dead=_gave_up, priority=Priority.reply,
    formerly="conversations.tasks.hand_over",
)  # fmt: skip
def hand_over(session: Session, workspace_id: int, message_id: int) -> None:
    with get_sessionmaker(writes=False)() as reader:
        sending = _what_to_send(reader, workspace_id, message_id)
    if sending is None:
        return  # gone, or handed already
    if sending.in_chat:
        _handed(session, workspace_id, message_id, CHAT_HANDED)
        return
    if sending.refused:
        _refused(session, workspace_id, message_id, sending.refused)
        return
    if sending.outgoing is None or sending.way is None:
        _suppressed(session, workspace_id, message_id, sending.reason)
        return
    try:
        handed = sending.way.sender.send(sending.outgoing)
    except DeliveryRefused as refused:
        _refused(session, workspace_id, message_id, str(refused))
        return
    _handed(session, workspace_id, message_id, handed, sending.way)


def _what_to_send(session: Session, workspace_id: int, message_id: int) -> _Sending | None:
    message = repository.message(session, workspace_id, message_id)
    if message is None or not _waiting(message):
        return None
    lead = session.get(Lead, message.lead_id)
    conversation = session.get(Conversation, message.conversation_id)
    assert lead is not None
    assert conversation is not None
    verdict = policy.may_send(
        session, lead, conversation, confirming_opt_out=service.confirms_opt_out(message.decision)
    )
    if not verdict.allowed:
        return _Sending(None, verdict.reason)
    if conversation.channel == Channel.chat:
        return _Sending(None, in_chat=True)
    if not conversation.address or conversation.channel not in ("sms", "whatsapp", "email"):
        return _Sending(None, f"leadflow cannot send on {conversation.channel} yet")
    try:
        way = sender_for(session, workspace_id, conversation.channel)  # type: ignore[arg-type]
        check_send(session, workspace_id, provider=way.provider, channel=conversation.channel)
    except (DeliveryRefused, QuotaExceeded) as refused:
        return _Sending(None, refused=refused.message)
    return _Sending(_outgoing(session, message, conversation, way), way=way)


def _outgoing(
    session: Session, message: Message, conversation: Conversation, way: WayOut
) -> Outgoing:
    workspace = session.get(Workspace, message.workspace_id)
    subject = f"Your enquiry to {workspace.name}" if workspace else "Your enquiry"
    channel = conversation.channel
    return Outgoing(
        channel=channel,  # type: ignore[arg-type]
        to=conversation.address or "", body=_body(message, channel),
        idempotency_key=message.idempotency_key or f"msg-{message.id}",
        sender=_reply_from(conversation, way), subject=subject if channel == "email" else None,
        status_callback=_status_callback(workspace, way),
    )  # fmt: skip


def _body(message: Message, channel: str) -> str:
    """An email to a lead carries its unsubscribe link."""
    if channel == Channel.email:
        return unsubscribe.with_link(message.body, message.lead_id)
    return message.body


def _reply_from(conversation: Conversation, way: WayOut) -> str | None:
    """The number the lead wrote to, when the account names no sender of its own for it."""
    account = way.account
    if account is None or conversation.channel not in ("sms", "whatsapp"):
        return None
    if account.vendor.serves(account.settings, conversation.channel):  # type: ignore[arg-type]
        return None
    return conversation.business_address


def _status_callback(workspace: Workspace | None, way: WayOut) -> str | None:
    """Where the provider reports delivery: our inbox, when leadflow knows its public address
    and the vendor reports to it. It is signed by the account that sent the message, so the
    address says when that was the platform's."""
    public = get_settings().public_url.rstrip("/")
    account = way.account
    if not public or workspace is None or account is None or account.vendor.verify is None:
        return None
    url = f"{public}/api/v1/inbound/{workspace.slug}/{account.vendor.slug}"
    return f"{url}?{ACCOUNT_PARAMETER}={PLATFORM_ACCOUNT}" if account.source == "platform" else url


def _handed(
    session: Session, workspace_id: int, message_id: int, handed: Handed, way: WayOut | None = None
) -> None:
    message = repository.message(session, workspace_id, message_id)
    if message is None or not _waiting(message):
        return
    service.record_handed(
        session, message, provider=handed.provider,
        provider_message_id=handed.provider_message_id, status=handed.status,
        sent_at=handed.sent_at, sent_via=way.sent_via if way else None,
    )  # fmt: skip
    if way is not None:
        record_send(session, workspace_id, provider=way.provider, channel=message.channel)


def _suppressed(session: Session, workspace_id: int, message_id: int, reason: str) -> None:
    message = repository.message(session, workspace_id, message_id)
    if message is not None and _waiting(message):
        service.record_suppressed(session, message, reason)
        log.info("message.suppressed", message_id=message_id, reason=reason)


def _refused(session: Session, workspace_id: int, message_id: int, reason: str) -> None:
    message = repository.message(session, workspace_id, message_id)
    if message is not None and _waiting(message):
        service.record_failed(session, message, reason)
