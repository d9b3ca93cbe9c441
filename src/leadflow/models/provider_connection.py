from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin


class ProviderConnection(RecordMixin, Base):
    """A workspace's account at a provider (Twilio, an email API, a CRM): its settings and
    secrets, sealed with the application's secret key."""

    __tablename__ = "provider_connection"
    __table_args__ = (UniqueConstraint("workspace_id", "provider"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    provider: Mapped[str] = mapped_column(String(40))
    sealed_config: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
