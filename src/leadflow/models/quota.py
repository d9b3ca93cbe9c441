from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin


class Quota(RecordMixin, Base):
    """A workspace's ceiling on a metric per day or month, on one provider or on all of them:
    sends and LLM calls cost money. The metric ``cost`` is a budget, in millionths of a US
    dollar. Past ``alert_percent`` of it, the workspace is told once a period."""

    __tablename__ = "quota"
    __table_args__ = (UniqueConstraint("workspace_id", "metric", "period", "provider"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    metric: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10))  # "day" or "month"
    provider: Mapped[str] = mapped_column(String(40), default="", server_default="")  # "": all
    limit: Mapped[int] = mapped_column(BigInteger)
    alert_percent: Mapped[int | None] = mapped_column(SmallInteger, default=80)
    alerted_for: Mapped[datetime | None]  # the start of the period already alerted
