"""Chunks by section, embedded by a multilingual model: each chunk's heading path and its
sentences' own embeddings (answers are picked sentence by sentence), and the model each document
was embedded with. The chunks there are go (their vectors were the English-only model's, 384
wide; the new model's are 512): their documents stay, marked as embedded by no known model, and
the worker reads and embeds them again within minutes (knowledge.tasks.embed_again). The
pgvector index, where there is one, is built again for 512 dimensions.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


INDEX = "ix_knowledge_chunk_embedding_hnsw"


def upgrade() -> None:
    had_index = _vector_index_exists()
    if had_index:
        op.execute(f"DROP INDEX {INDEX}")
    op.execute("DELETE FROM knowledge_chunk")
    op.execute("UPDATE knowledge_document SET chunk_count = 0, token_count = 0")
    with op.batch_alter_table("knowledge_chunk") as batch:
        batch.add_column(sa.Column("section", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sentence_spans", JSON, nullable=True))
        batch.add_column(sa.Column("sentence_vectors", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("knowledge_document") as batch:
        batch.add_column(sa.Column("embedding_model", sa.String(100), nullable=True))
    if had_index:
        _vector_index(512)


def downgrade() -> None:
    had_index = _vector_index_exists()
    if had_index:
        op.execute(f"DROP INDEX {INDEX}")
    op.execute("DELETE FROM knowledge_chunk")
    with op.batch_alter_table("knowledge_document") as batch:
        batch.drop_column("embedding_model")
    with op.batch_alter_table("knowledge_chunk") as batch:
        batch.drop_column("sentence_vectors")
        batch.drop_column("sentence_spans")
        batch.drop_column("section")
    if had_index:
        _vector_index(384)


def _vector_index_exists() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return (
        bind.exec_driver_sql(f"SELECT 1 FROM pg_indexes WHERE indexname = '{INDEX}'").first()
        is not None
    )


def _vector_index(dimensions: int) -> None:
    op.execute(
        f"CREATE INDEX {INDEX} ON knowledge_chunk "
        f"USING hnsw ((embedding::vector({dimensions})) vector_cosine_ops)"
    )
