from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, JSONType, RecordMixin


class IcpRule(RecordMixin, Base):
    """One rule of a workspace's ideal customer profile: when the lead's ``field`` meets the
    condition, the fit score moves by ``points``, for the reason given in the rule's words."""

    __tablename__ = "icp_rule"

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    # "industry", "employee_count", "annual_revenue", "country", "title", "seniority", or a
    # required field ("email", "phone", ...), or "custom:<name>".
    field: Mapped[str] = mapped_column(String(100))
    # "in", "not_in", "between", "at_least", "at_most", "contains", "present", "missing"
    operator: Mapped[str] = mapped_column(String(20))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
