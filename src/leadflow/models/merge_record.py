from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin


class MergeRecord(RecordMixin, Base):
    """An arrival folded into an existing lead, with what it changed, so it can be undone."""

    __tablename__ = "merge_record"

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("lead.id", ondelete="CASCADE"), index=True
    )
    matched_on: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(100))
    incoming: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # {field: [value before, value after]} for every field the merge filled in.
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    undone_at: Mapped[datetime | None]
    split_lead_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("lead.id", ondelete="SET NULL")
    )
