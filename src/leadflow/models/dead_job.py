from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, JSONType, RecordMixin, utcnow


class DeadJob(RecordMixin, Base):
    """A job that used up its retries: kept with its error until someone replays it."""

    __tablename__ = "dead_job"

    job_id: Mapped[int] = mapped_column(IdType, ForeignKey("job.id", ondelete="CASCADE"))
    workspace_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    args: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text)
    died_at: Mapped[datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[datetime | None]
    replay_job_id: Mapped[int | None] = mapped_column(IdType)
