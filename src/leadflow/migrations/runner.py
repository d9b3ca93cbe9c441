"""Run migrations from code (``leadflow init``, tests) without an alembic.ini on disk."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).parent
# Held on PostgreSQL while migrating: processes started together (several `leadflow serve` and
# `leadflow worker`) migrate one at a time, and the later ones find nothing left to do.
_MIGRATION_LOCK = 7_468_173_201


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_to_head(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The database's migration revision (None before the first)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
