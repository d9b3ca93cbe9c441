from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin, utcnow


class WebhookAttempt(RecordMixin, Base):
    """One try of a delivery: the delivery log customers read when their endpoint misbehaves."""

    __tablename__ = "webhook_attempt"

    delivery_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
