"""Alembic environment: runs on a connection handed in by leadflow, or on the settings' engine."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from leadflow.db import get_engine
from leadflow.models import Base

target_metadata = Base.metadata

# Search indexes a migration makes by hand, per engine (0004, 0007): not in the models, by
# design.
UNMODELLED = (
    "knowledge_chunk_fts",
    "ix_knowledge_chunk_text_search",
    "ix_knowledge_chunk_embedding",
    "ix_knowledge_chunk_search_vector",
    "search_vector",
)


def _modelled(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (reflected and compare_to is None and (name or "").startswith(UNMODELLED))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_modelled,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with get_engine().connect() as fresh:
        _run(fresh)
        fresh.commit()


if context.is_offline_mode():
    raise SystemExit("leadflow migrations run online only")
run_migrations()
