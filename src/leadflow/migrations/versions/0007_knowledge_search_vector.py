"""Knowledge: PostgreSQL keeps each chunk's tsvector, so ranking reads it instead of parsing
every matching chunk's text again (a search at 100,000 chunks took about a minute)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 14:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Outside the models, like the other search indexes (migrations/env.py leaves them out of
# `alembic check`); SQLite's FTS5 table needs nothing new.


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE knowledge_chunk ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED"
    )
    op.execute("DROP INDEX IF EXISTS ix_knowledge_chunk_text_search")
    op.execute(
        "CREATE INDEX ix_knowledge_chunk_search_vector ON knowledge_chunk USING gin (search_vector)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_knowledge_chunk_search_vector")
    op.execute("ALTER TABLE knowledge_chunk DROP COLUMN IF EXISTS search_vector")
    op.execute(
        "CREATE INDEX ix_knowledge_chunk_text_search ON knowledge_chunk "
        "USING gin (to_tsvector('english', search_text))"
    )
