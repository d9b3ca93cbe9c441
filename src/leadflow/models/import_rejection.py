from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType


class ImportRejection(Base):
    """A row an import refused: its line in the file, why, and the row as it was."""

    __tablename__ = "import_rejection"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    import_job_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("import_job.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
