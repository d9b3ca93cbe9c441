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
