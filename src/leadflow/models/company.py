from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin


class Company(RecordMixin, Base):
    __tablename__ = "company"
    __table_args__ = (
        Index(None, "workspace_id", "domain"),
        Index(None, "workspace_id", "name_key"),
    )

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(300))
    # Legal suffixes and punctuation removed: the key fuzzy matching compares.
    name_key: Mapped[str] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(253))
    industry: Mapped[str | None] = mapped_column(String(200))
    employee_count: Mapped[int | None] = mapped_column(Integer)
    annual_revenue: Mapped[int | None] = mapped_column(BigInteger)
    country: Mapped[str | None] = mapped_column(String(2))
