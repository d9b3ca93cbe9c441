from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin, utcnow


class DeliveryState(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    abandoned = "abandoned"


class WebhookDelivery(RecordMixin, Base):
    """One event on its way to one endpoint, retried on a growing schedule."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index(None, "state", "next_attempt_at"),
        Index(None, "endpoint_id", "id"),
    )

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    endpoint_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("webhook_endpoint.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(IdType, ForeignKey("event.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10), default=DeliveryState.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
