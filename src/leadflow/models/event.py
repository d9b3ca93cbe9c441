from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, utcnow


class Event(Base):
    """Something worth showing happened: written in the transaction of the change itself."""

    __tablename__ = "event"
    __table_args__ = (Index(None, "workspace_id", "id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    type: Mapped[str] = mapped_column(String(60))
    lead_id: Mapped[int | None] = mapped_column(IdType)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
