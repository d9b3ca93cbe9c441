"""Conversations: a message arriving on any channel finds (or makes) its lead and conversation,
is kept with the provider's ids and timestamps, and is answered by the agent unless a person
has taken the conversation over. Messages out are queued with an idempotency key and handed to
their channel by a job; the first one handed is the lead's first response."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from leadflow.compliance import consent, policy
from leadflow.conversations import repository
from leadflow.events.service import record
from leadflow.exceptions import Conflict
from leadflow.identity.drafts import draft_from_fields
from leadflow.identity.service import intake
from leadflow.kit.language import language_of
from leadflow.leads.service import announce_arrivals
from leadflow.models import (
    Channel,
    Conversation,
    HandledBy,
    Lead,
    Message,
    MessageAuthor,
    MessageDirection,
    MessageStatus,
    Workspace,
)
from leadflow.models.base import utcnow
from leadflow.worker import enqueue

# The field a sender's address fills on the lead, by channel (the web chat's is its session).
ADDRESS_FIELD = {Channel.sms: "phone", Channel.whatsapp: "whatsapp", Channel.email: "email"}


@dataclass(frozen=True)
class Inbound:
    """A message as a channel delivered it (``channel`` a Channel, or its older name)."""

    channel: str
    sender: str
    body: str
    provider: str
    provider_message_id: str | None = None
    provider_sent_at: datetime | None = None
    received_at: datetime | None = None
    sender_name: str | None = None
    # False where anyone may claim the address (web chat, web forms): such a message may
    # withdraw the lead's consent but never grant it.
    verified: bool = True
    business_address: str | None = None  # the business's number or address it was sent to


def receive(session: Session, workspace: Workspace, inbound: Inbound) -> Message | None:
    """Keeps the message (once: the provider's id deduplicates) and asks the agent to answer
    it; a message of consent (STOP, START) changes the lead's consent first."""
    if inbound.provider_message_id and repository.message_from(
        session, workspace.id, inbound.provider, inbound.provider_message_id
    ):
        return None
    return take_message(session, workspace, _lead_of(session, workspace, inbound), inbound)


def take_message(
    session: Session,
    workspace: Workspace,
    lead: Lead,
    inbound: Inbound,
    *,
    conversation: Conversation | None = None,
) -> Message:
    """Keeps a known lead's message in ``conversation`` (by default its conversation on that
    channel), and asks the agent to answer it (consent words first change the lead's
    consent)."""
    if conversation is None:
        conversation = _conversation(session, lead, Channel.parse(inbound.channel), inbound.sender)
    received_at = inbound.received_at or utcnow()
    if inbound.business_address:
        conversation.business_address = inbound.business_address[:320]
    message = Message(
        workspace_id=workspace.id, conversation_id=conversation.id, lead_id=lead.id,
        direction=MessageDirection.inbound, author=MessageAuthor.lead, channel=conversation.channel,
        body=inbound.body, language=language_of(inbound.body), provider=inbound.provider,
        provider_message_id=inbound.provider_message_id, provider_sent_at=inbound.provider_sent_at,
        status=MessageStatus.received, received_at=received_at,
    )  # fmt: skip
    session.add(message)
    conversation.last_inbound_at, conversation.language = received_at, message.language
    lead.first_message_at = lead.first_message_at or received_at
    session.flush()
    _heed_consent(session, lead, message, verified=inbound.verified)
    record(
        session, workspace.id, "message.received", lead_id=lead.id,
        conversation_id=conversation.id, message_id=message.id, channel=message.channel,
        handled_by=conversation.handled_by,
    )  # fmt: skip
    return message


def _lead_of(session: Session, workspace: Workspace, inbound: Inbound) -> Lead:
    channel = Channel.parse(inbound.channel)
    fields: dict[str, str | None] = {
        ADDRESS_FIELD[channel]: inbound.sender, "source": channel,
        "full_name": inbound.sender_name,
    }  # fmt: skip
    draft = draft_from_fields(fields, region=workspace.default_region)
    outcomes = intake(session, workspace.id, [draft], via=channel, actor=channel)
    announce_arrivals(session, workspace.id, outcomes, via=channel)
    lead = session.get(Lead, outcomes[0].lead_id)
    assert lead is not None
    return lead


def _conversation(session: Session, lead: Lead, channel: Channel, address: str) -> Conversation:
    conversation = repository.conversation_on(session, lead.id, channel)
    if conversation is None:
        conversation = Conversation(
            workspace_id=lead.workspace_id, lead_id=lead.id, channel=channel, address=address,
            handled_by=HandledBy.agent,
        )  # fmt: skip
        session.add(conversation)
        session.flush()
    return conversation


def _heed_consent(session: Session, lead: Lead, message: Message, *, verified: bool) -> None:
    status = consent.heard(message.body, verified=verified)
    if status is not None:
        consent.record(
            session, lead, status, source=f"{message.channel} message {message.id}",
            actor="lead", channel=message.channel, words=message.body,
        )  # fmt: skip


def is_verified(conversation: Conversation) -> bool:
    """Whether the lead's own address carries the conversation (a number, a mailbox): a web
    chat session is only as true as what its visitor typed."""
    return conversation.channel != Channel.chat


# Messages out


def queue_outgoing(
    session: Session,
    conversation: Conversation,
    body: str,
    *,
    author: MessageAuthor,
    author_user_id: int | None = None,
    replying_to: Message | None = None,
    decision: dict[str, object] | None = None,
    citations: list[dict[str, object]] | None = None,
    language: str | None = None,
) -> Message:
    """Keeps the message with its idempotency key and queues the job that hands it over, if
    the send policy lets it go: a person is told why not (Conflict); the agent's message is
    kept as suppressed, with why."""
    lead = session.get(Lead, conversation.lead_id)
    assert lead is not None
    verdict = policy.may_send(
        session, lead, conversation, confirming_opt_out=confirms_opt_out(decision)
    )
    if not verdict.allowed and author == MessageAuthor.person:
        raise Conflict(verdict.reason, refusal=verdict.refusal)
    message = Message(
        workspace_id=conversation.workspace_id, conversation_id=conversation.id,
        lead_id=conversation.lead_id, direction=MessageDirection.outbound, author=author,
        author_user_id=author_user_id, channel=conversation.channel, body=body,
        language=language or language_of(body), status=MessageStatus.queued,
        idempotency_key=f"msg-{uuid.uuid4().hex}",
        replying_to_id=replying_to.id if replying_to else None, decision=decision,
        citations=citations,
    )  # fmt: skip
    session.add(message)
    session.flush()
    if not verdict.allowed:
        record_suppressed(session, message, verdict.reason)
        return message
    conversation.last_outbound_at = utcnow()
    enqueue(session, "conversations.hand_over", conversation.workspace_id, message.id)
    return message


def confirms_opt_out(decision: dict[str, object] | None) -> bool:
    """Whether the message is the agent's confirmation that the lead opted out."""
    return (decision or {}).get("action") == "opt_out"


def record_suppressed(session: Session, message: Message, reason: str) -> None:
    """The send policy refused the message: it is kept, not sent, with why."""
    message.status, message.error = MessageStatus.suppressed, reason
    record(
        session, message.workspace_id, "message.suppressed", lead_id=message.lead_id,
        message_id=message.id, conversation_id=message.conversation_id, reason=reason,
    )  # fmt: skip


def record_handed(
    session: Session,
    message: Message,
    *,
    provider: str,
    provider_message_id: str | None,
    status: str,
    sent_at: datetime | None,
    sent_via: str | None = None,
) -> None:
    """The channel took the message: its ids and status, the account that sent it; the lead's
    first response if so."""
    handed_at = utcnow()
    message.provider, message.provider_message_id = provider, provider_message_id
    message.sent_via = sent_via
    message.status = MessageStatus.of_provider(status)
    message.handed_at, message.provider_sent_at = handed_at, sent_at
    lead = session.get(Lead, message.lead_id)
    if lead is not None and lead.first_response_at is None:
        lead.first_response_at = handed_at
        if lead.first_message_at is not None:
            elapsed = handed_at - lead.first_message_at
            lead.first_response_ms = max(int(elapsed.total_seconds() * 1000), 0)
    record(
        session, message.workspace_id, "message.sent", lead_id=message.lead_id,
        message_id=message.id, channel=message.channel, provider=provider, status=status,
    )  # fmt: skip


def record_failed(
    session: Session, message: Message, error: str, *, status: str = MessageStatus.failed
) -> None:
    """The message will not reach the lead (we gave up, or the channel said so: ``status`` in
    its own word); ``message.failed`` is written once, however often the channel repeats it."""
    already = message.status in (MessageStatus.failed, MessageStatus.undelivered)
    message.status, message.error = MessageStatus.of_provider(status), error[:2000]
    if not already:
        record(session, message.workspace_id, "message.failed", lead_id=message.lead_id,
               message_id=message.id, status=message.status, error=error[:500])  # fmt: skip


# People


def take_over(session: Session, conversation: Conversation, user_id: int | None) -> None:
    """A person answers from now on; the agent stays quiet until released."""
    conversation.handled_by, conversation.taken_over_by = HandledBy.person, user_id
    conversation.taken_over_at = utcnow()
    record(
        session, conversation.workspace_id, "conversation.taken_over",
        lead_id=conversation.lead_id, conversation_id=conversation.id, user_id=user_id,
    )  # fmt: skip


def release(session: Session, conversation: Conversation) -> None:
    conversation.handled_by, conversation.taken_over_by = HandledBy.agent, None
    conversation.taken_over_at = None  # a later hand-off waits for a person again
    record(session, conversation.workspace_id, "conversation.released",
           lead_id=conversation.lead_id, conversation_id=conversation.id)  # fmt: skip


def reply_as_person(
    session: Session, conversation: Conversation, body: str, *, user_id: int | None
) -> Message:
    """A person's message to the lead, if the send policy lets it go (else Conflict, why). A
    person answering a conversation the agent handed off takes it."""
    message = queue_outgoing(
        session, conversation, body, author=MessageAuthor.person, author_user_id=user_id
    )
    if is_handed_off(conversation):
        take_over(session, conversation, user_id)
    return message


def is_handed_off(conversation: Conversation) -> bool:
    """The agent handed the conversation to a person and nobody has taken it yet."""
    return conversation.handled_by == HandledBy.person and conversation.taken_over_at is None


# Who is waiting on a person


@dataclass(frozen=True)
class InboxEntry:
    """A conversation as the inbox lists it."""

    conversation: Conversation
    lead: Lead
    last_text: str | None
    needs_person: bool
    handoff_reason: str | None

    @property
    def waiting_since(self) -> datetime | None:
        """The lead's last message, while it waits on a person."""
        return self.conversation.last_inbound_at if self.needs_person else None


def inbox(
    session: Session,
    *,
    workspace_id: int,
    chosen: repository.InboxFilter,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[InboxEntry], str | None]:
    """The workspace's conversations as ``chosen``, each with why the agent handed it off
    (while a person handles it); those waiting on a person come oldest waiting first."""
    rows, next_cursor = repository.inbox(
        session, workspace_id, chosen, now=utcnow(), cursor=cursor, limit=limit
    )
    reasons = repository.handoff_reasons(session, workspace_id, [row[1].id for row in rows])
    entries = [
        InboxEntry(
            conversation, lead, last_text, bool(waiting),
            reasons.get(conversation.id) if conversation.handled_by == HandledBy.person else None,
        )
        for conversation, lead, last_text, waiting in rows
    ]  # fmt: skip
    return entries, next_cursor
