from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, utcnow


class UsageRecord(Base):
    """What one provider call used and cost, for per-workspace accounting and quotas."""

    __tablename__ = "usage_record"
    __table_args__ = (Index(None, "workspace_id", "metric", "occurred_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    provider: Mapped[str] = mapped_column(String(40))
    # e.g. "llm_tokens", "sms", "whatsapp", "email"
    metric: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(BigInteger, default=1)
    cost_micros: Mapped[int] = mapped_column(BigInteger, default=0)  # millionths of a US dollar
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
