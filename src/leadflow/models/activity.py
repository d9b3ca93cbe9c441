from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin, utcnow


class CallOutcome(StrEnum):
    """How a call a person logged went."""

    connected = "connected"
    no_answer = "no_answer"
    voicemail = "voicemail"
    wrong_number = "wrong_number"


class Activity(RecordMixin, Base):
    """One entry on a lead's timeline."""

    __tablename__ = "activity"
    __table_args__ = (Index(None, "lead_id", "occurred_at"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int] = mapped_column(IdType, ForeignKey("lead.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(100), default="system")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
