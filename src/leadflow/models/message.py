from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, JSONType, ProviderStatus, RecordMixin


class MessageDirection(StrEnum):
    inbound = "in"
    outbound = "out"


class MessageAuthor(StrEnum):
    lead = "lead"
    agent = "agent"
    person = "person"  # one of the business's people
    system = "system"


class MessageStatus(ProviderStatus):
    """Where a message is. Ours: ``received`` (in), ``queued`` (out, not yet handed to its
    channel), ``suppressed`` (the send policy refused it); the rest are what the channel said
    of it, in the providers' own words (``kept`` is the outbox's)."""

    received = "received"
    queued = "queued"
    suppressed = "suppressed"
    kept = "kept"
    accepted = "accepted"
    scheduled = "scheduled"
    sending = "sending"
    sent = "sent"
    delivered = "delivered"
    partially_delivered = "partially_delivered"
    read = "read"
    undelivered = "undelivered"
    failed = "failed"
    canceled = "canceled"


class Message(RecordMixin, Base):
    """One message in or out of a conversation, with the provider's ids and timestamps, its
    delivery status, and for the agent's messages the decision and the knowledge it cited."""

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("workspace_id", "provider", "provider_message_id"),
        UniqueConstraint("idempotency_key"),
        Index(None, "conversation_id", "id"),
    )

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("conversation.id", ondelete="CASCADE")
    )
    lead_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("lead.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(3))  # MessageDirection
    author: Mapped[str] = mapped_column(String(10))  # MessageAuthor
    author_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(20))  # Channel
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(5))
    provider: Mapped[str | None] = mapped_column(String(40))  # twilio, outbox, web...
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    # Outgoing: the account that sent it, "twilio:workspace" or "twilio:platform" (its status
    # callbacks are signed by that account), "outbox"...
    sent_via: Mapped[str | None] = mapped_column(String(60))
    provider_sent_at: Mapped[datetime | None]  # the provider's own timestamp
    status: Mapped[str] = mapped_column(String(20))  # MessageStatus
    error: Mapped[str | None] = mapped_column(Text)
    # Outgoing: asked for before the send, so a retried send is recognised as the same one.
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    replying_to_id: Mapped[int | None] = mapped_column(IdType)
    received_at: Mapped[datetime | None]  # incoming: when its webhook reached leadflow
    handed_at: Mapped[datetime | None]  # outgoing: when it was handed to the channel
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    citations: Mapped[list[Any] | None] = mapped_column(JSONType)
