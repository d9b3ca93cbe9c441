from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, JSONType, RecordMixin


class ScoringModel(RecordMixin, Base):
    """A workspace's predictive model, one row per version; the newest active one scores."""

    __tablename__ = "scoring_model"
    __table_args__ = (UniqueConstraint("workspace_id", "version"),)

    workspace_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    trained_at: Mapped[datetime]
    outcomes: Mapped[int] = mapped_column(Integer)  # won + lost leads it learned from
    won: Mapped[int] = mapped_column(Integer)
    cv_auc: Mapped[float | None] = mapped_column(Float)
    # The features it found and how it typed them: {"name": "numeric" | "categorical" | "text"}
    features: Mapped[dict[str, Any]] = mapped_column(JSONType)
    algorithm: Mapped[str] = mapped_column(String(100))
    artifact: Mapped[bytes] = mapped_column(LargeBinary)  # the fitted pipeline, serialised
    active: Mapped[bool] = mapped_column(Boolean, default=True)
