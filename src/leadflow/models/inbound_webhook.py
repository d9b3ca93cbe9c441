from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, utcnow


class InboxState(StrEnum):
    received = "received"
    handled = "handled"
    failed = "failed"


class InboundWebhook(Base):
    """A provider's callback, kept byte for byte once its signature checked out."""

    __tablename__ = "inbound_webhook"
    __table_args__ = (
        Index(
            "uq_inbound_webhook_workspace_id_provider_event_id",
            "workspace_id",
            "provider",
            "event_id",
            unique=True,
        ),
        Index(None, "state", "id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    provider: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    url: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(10), default=InboxState.received)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None]
