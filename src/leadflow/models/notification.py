from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, ProviderStatus, RecordMixin


class NotificationStatus(ProviderStatus):
    """``queued`` until handed to its channel, ``failed`` when it could not be; otherwise what
    the channel said when it took it."""

    queued = "queued"
    kept = "kept"
    accepted = "accepted"
    scheduled = "scheduled"
    sending = "sending"
    sent = "sent"
    delivered = "delivered"
    undelivered = "undelivered"
    failed = "failed"


class Notification(RecordMixin, Base):
    """A message to the business's own people (a hot lead, a hand-off), by email or SMS."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("idempotency_key"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("lead.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # hot_lead, handoff
    channel: Mapped[str] = mapped_column(String(10))  # email, sms
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=NotificationStatus.queued)
    provider: Mapped[str | None] = mapped_column(String(40))
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    sent_via: Mapped[str | None] = mapped_column(String(60))  # as Message.sent_via
    idempotency_key: Mapped[str] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    handed_at: Mapped[datetime | None]
