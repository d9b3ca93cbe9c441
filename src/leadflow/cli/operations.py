"""``leadflow migrate``, ``leadflow backup`` and ``leadflow restore``: running an installation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from leadflow.cli.common import err, errors
from leadflow.config import get_settings
from leadflow.db import get_engine, reset_engine_cache
from leadflow.migrations.runner import current_revision, upgrade_to_head
from leadflow.operations.backup import restore_backup, write_backup


def migrate() -> None:
    """Bring the database's schema to this version's. Run it once before starting several
    processes of a new version (each also migrates at start, one at a time on PostgreSQL)."""
    with errors():
        upgrade_to_head(get_engine())
        revision = current_revision(get_engine())
    shown = make_url(get_settings().resolved_database_url).render_as_string(hide_password=True)
    typer.echo(f"database at revision {revision}: {shown}")


def backup(
    out: Annotated[Path, typer.Option("--out", help="the archive to write (.tar.gz)")],
) -> None:
    """Back up the SQLite database (a consistent copy, while leadflow serves) and the data
    directory's files in one archive. On PostgreSQL the archive holds the files only: back the
    database up with pg_dump."""
    with errors():
        report = write_backup(out)
    if report.database != "sqlite":
        err.print("the database is PostgreSQL: it is not in this archive; back it up with pg_dump")
    typer.echo(
        f"backup written to {report.path}: {report.database} database"
        f"{f' at revision {report.revision}' if report.revision else ' (not included)'}, "
        f"{_files(report.files)} ({report.bytes:,} bytes)"
    )


def restore(
    archive: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    replace: Annotated[
        bool, typer.Option("--replace", help="replace the database and files already there")
    ] = False,
) -> None:
    """Restore a backup written by `leadflow backup`, then migrate it to this version. Stop
    every leadflow process first."""
    with errors():
        report = restore_backup(archive, replace=replace)
        reset_engine_cache()  # no connection of this process to the file replaced
        upgrade_to_head(get_engine())
        revision = current_revision(get_engine())
    typer.echo(
        f"restored {_files(report.files)} and the {report.database} database "
        f"(taken at revision {report.revision}, now at {revision})"
    )


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"
