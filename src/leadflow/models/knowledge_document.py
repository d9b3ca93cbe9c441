from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin


class DocumentStatus(StrEnum):
    queued = "queued"
    ingesting = "ingesting"
    ready = "ready"
    failed = "failed"


class KnowledgeDocument(RecordMixin, Base):
    """One source in a knowledge base: an uploaded file, a fetched page, a text or an FAQ.
    Ingesting the same source again (same ``source_key``) replaces its chunks."""

    __tablename__ = "knowledge_document"
    __table_args__ = (UniqueConstraint("knowledge_base_id", "source_key"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    knowledge_base_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("knowledge_base.id", ondelete="CASCADE")
    )
    origin: Mapped[str] = mapped_column(String(20))  # "file", "url", "text" or "faq"
    source: Mapped[str] = mapped_column(String(2000))  # file name, URL, title or question
    source_key: Mapped[str] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(Text)  # the text itself, or an FAQ's answer
    title: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[str | None] = mapped_column(String(20))  # pdf, docx, html, markdown, text, faq
    parser: Mapped[str | None] = mapped_column(String(40))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    stored_path: Mapped[str | None] = mapped_column(Text)  # the upload, kept for re-reading
    filename: Mapped[str | None] = mapped_column(String(500))  # the upload's own name
    media_type: Mapped[str | None] = mapped_column(String(200))  # as the upload declared it
    status: Mapped[DocumentStatus] = mapped_column(String(20), default=DocumentStatus.queued)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    token_count: Mapped[int] = mapped_column(Integer, default=0)
    # The model its chunks were embedded with: a document embedded by another is embedded again.
    embedding_model: Mapped[str | None] = mapped_column(String(100))
