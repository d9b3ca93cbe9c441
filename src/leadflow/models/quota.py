from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin


class Quota(RecordMixin, Base):
    """A workspace's ceiling on a metric per day or month: sends and LLM calls cost money."""

    __tablename__ = "quota"
    __table_args__ = (UniqueConstraint("workspace_id", "metric", "period"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    metric: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10))  # "day" or "month"
    limit: Mapped[int] = mapped_column(BigInteger)
