from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, JSONType, RecordMixin, utcnow


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    dead = "dead"


class Job(RecordMixin, Base):
    """The ledger of a background job: written with the change that asked for it, so no job is
    lost between a commit and the queue, and marked done with the job's own effects, so none is
    applied twice."""

    __tablename__ = "job"
    __table_args__ = (Index(None, "state", "run_after"),)

    workspace_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    args: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    state: Mapped[str] = mapped_column(String(10), default=JobState.queued)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    # Higher first (worker.registry.Priority): recovery and `run_due` keep the queue's order.
    priority: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    leased_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]
