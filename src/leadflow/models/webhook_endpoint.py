from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, JSONType, RecordMixin


class WebhookEndpoint(RecordMixin, Base):
    """A customer's URL that receives our events, signed with the Standard Webhooks scheme."""

    __tablename__ = "webhook_endpoint"

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(500))
    # The whsec_ secret, sealed with the application's secret key.
    sealed_secret: Mapped[str] = mapped_column(Text)
    # Event types it receives; empty means every type.
    event_types: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    disabled_at: Mapped[datetime | None]
    failing_since: Mapped[datetime | None]
