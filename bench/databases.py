"""A throwaway database for a benchmark run: a SQLite file, or a fresh PostgreSQL database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(server_url: str, workdir: Path) -> Iterator[str]:
    """Yields a URL to an empty database; a PostgreSQL one is dropped afterwards."""
    if not server_url:
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    name = f"leadflow_bench_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        from leadflow.db import reset_engine_cache

        reset_engine_cache()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def leadflow_in_process(database_url: str, data_dir: Path) -> None:
    """leadflow set up in this process on ``database_url`` (migrated), its jobs run only when
    the benchmark runs them, its log quiet."""
    import os

    os.environ["LEADFLOW_DATA_DIR"] = str(data_dir)
    os.environ["LEADFLOW_DATABASE_URL"] = database_url
    os.environ["LEADFLOW_EMBEDDED_WORKER"] = "false"
    os.environ.setdefault("LEADFLOW_LOG_LEVEL", "WARNING")

    from leadflow import catalogue
    from leadflow.config import get_settings
    from leadflow.db import get_engine, reset_engine_cache
    from leadflow.logs import configure_logging
    from leadflow.migrations.runner import upgrade_to_head

    catalogue.load()
    get_settings.cache_clear()
    reset_engine_cache()
    configure_logging()
    upgrade_to_head(get_engine())
