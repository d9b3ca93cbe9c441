"""Alembic environment: runs on a connection handed in by leadflow, or on the settings' engine."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from leadflow.db import get_engine
from leadflow.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
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
