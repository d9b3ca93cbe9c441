from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin


class KnowledgeBase(RecordMixin, Base):
    """A body of the business's own documents and FAQs that the agent answers from."""

    __tablename__ = "knowledge_base"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # Moves on with every change to its chunks: searchers holding its vectors in memory reload.
    revision: Mapped[int] = mapped_column(Integer, default=0)
