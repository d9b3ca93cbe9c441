from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, Text, TypeDecorator
from sqlalchemy.dialects.postgresql import ARRAY, REAL
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from leadflow.models.base import Base, IdType, JSONType, RecordMixin


class Embedding(TypeDecorator[np.ndarray]):
    """A float32 unit vector: raw bytes on SQLite, ``real[]`` on PostgreSQL (which pgvector
    casts to ``vector`` for its index)."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(REAL()))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        vector = np.asarray(value, dtype=np.float32)
        return vector.tolist() if dialect.name == "postgresql" else vector.tobytes()

    def process_result_value(self, value: Any, dialect: Dialect) -> np.ndarray | None:
        if value is None:
            return None
        if isinstance(value, bytes | memoryview):
            return np.frombuffer(value, dtype=np.float32)
        return np.asarray(value, dtype=np.float32)


class KnowledgeChunk(RecordMixin, Base):
    """A passage of a knowledge document, with its embedding; what search returns."""

    __tablename__ = "knowledge_chunk"
    __table_args__ = (Index(None, "knowledge_base_id", "id"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    knowledge_base_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("knowledge_base.id", ondelete="CASCADE")
    )
    document_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("knowledge_document.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # 0-based order within the document
    page: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)  # as the keyword index sees it (wording.py)
    token_count: Mapped[int] = mapped_column(Integer)
    embedding: Mapped[Any] = mapped_column(Embedding)
    section: Mapped[str | None] = mapped_column(Text)  # its heading path, outermost first
    # Each sentence's (start, end) in ``text`` and its own unit vector (float32 rows, in order):
    # the answer to a question is the sentence nearest it in meaning.
    sentence_spans: Mapped[list[list[int]] | None] = mapped_column(JSONType)
    sentence_vectors: Mapped[bytes | None] = mapped_column(LargeBinary)
