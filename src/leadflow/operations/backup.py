"""Backups of a leadflow installation in one archive, and restoring one.

The archive holds a consistent copy of the SQLite database, taken while leadflow serves
(SQLite's online backup API: one read transaction, writers carry on), and the data directory's
files (uploads, the secret key file when there is one). A PostgreSQL database is pg_dump's
business: on PostgreSQL the archive holds the files only. The job queue's file is left out: its
ids belong to the ledger they came from, and recovery hands over again every job the restored
ledger holds."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import structlog
from sqlalchemy.engine import make_url

from leadflow import __version__
from leadflow.config import Settings, get_settings
from leadflow.db import is_sqlite
from leadflow.exceptions import BadRequest, Conflict

log = structlog.get_logger()
FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "database/leadflow.db"
FILES_PREFIX = "files/"
# Files beside a SQLite database that belong to it, not to the data directory's contents.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class BackupReport:
    path: Path
    database: str  # "sqlite", or "postgresql" (not in the archive: use pg_dump)
    revision: str | None  # the database's migration revision, when the archive holds it
    files: int
    bytes: int


@dataclass(frozen=True)
class RestoreReport:
    database: str
    revision: str | None
    files: int


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database's file, or None when the database is PostgreSQL."""
    url = settings.resolved_database_url
    if not is_sqlite(url):
        return None
    return Path(make_url(url).database or "").resolve()


def write_backup(out: Path) -> BackupReport:
    """Writes the archive to ``out`` (replaced only once complete, readable by its owner only)."""
    settings = get_settings()
    database = sqlite_file(settings)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    root = settings.data_dir.resolve()
    with tempfile.TemporaryDirectory(prefix=".leadflow-backup-", dir=out.parent) as tmp:
        scratch = Path(tmp)
        snapshot = scratch / "leadflow.db"
        revision = _snapshot(database, snapshot) if database is not None else None
        skip = {out, scratch, *_owned_by(database), *_queue_files(settings)}
        files = list(_data_files(root, skip=skip))
        manifest = _manifest(database is not None, revision, root, files)
        partial = scratch / "archive.tar.gz"
        with _private(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            if database is not None:
                archive.add(snapshot, DATABASE_MEMBER)
            for path in files:
                archive.add(path, FILES_PREFIX + path.relative_to(root).as_posix())
        os.replace(partial, out)
    size = sum(entry["bytes"] for entry in manifest["files"])
    log.info("backup.written", path=str(out), database=manifest["database"], files=len(files))
    return BackupReport(out, manifest["database"], revision, len(files), size)


def _snapshot(database: Path, copy: Path) -> str | None:
    """A consistent copy of the live database, checked; returns its migration revision."""
    if not database.exists():
        raise BadRequest(f"there is no database at {database} to back up")
    source = sqlite3.connect(database, timeout=30)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)  # every page in one step: one snapshot of the database
        _check(target, "the copy")
        return _revision(target)
    finally:
        target.close()
        source.close()


def _check(connection: sqlite3.Connection, what: str) -> None:
    verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise BadRequest(f"{what} of the database failed SQLite's check: {verdict}")


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # never migrated
        return None
    return str(row[0]) if row else None


def _owned_by(database: Path | None) -> set[Path]:
    if database is None:
        return set()
    return {Path(f"{database}{suffix}") for suffix in _COMPANIONS}


def _queue_files(settings: Settings) -> set[Path]:
    queue = settings.job_queue_path.resolve()
    return {Path(f"{queue}{suffix}") for suffix in _COMPANIONS}


def _data_files(root: Path, *, skip: set[Path]) -> Iterator[Path]:
    """Every regular file under the data directory, but the files and folders skipped (symlinks
    are not followed: what they point at is not the directory's)."""
    if not root.is_dir():
        return
    for folder, folders, names in os.walk(root):
        inside = [Path(folder) / name for name in sorted(folders)]
        folders[:] = [p.name for p in inside if not p.is_symlink() and p not in skip]
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink() and path not in skip:
                yield path


def _manifest(
    with_database: bool, revision: str | None, root: Path, files: list[Path]
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "leadflow_version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": "sqlite" if with_database else "postgresql",
        "revision": revision,
        "files": [_entry(root, path) for path in files],
    }


def _entry(root: Path, path: Path) -> dict[str, Any]:
    relative = path.relative_to(root).as_posix()
    return {"path": relative, "bytes": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private(path: Path) -> BinaryIO:
    """A new file readable and writable by its owner only: the archive may hold secrets."""
    return os.fdopen(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "wb")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


# -- restore -----------------------------------------------------------------------------------


def restore_backup(archive_path: Path, *, replace: bool = False) -> RestoreReport:
    """Puts the archive's database and files in place. Refuses to replace a database that is
    there unless ``replace``: every leadflow process must be stopped first."""
    settings = get_settings()
    database = sqlite_file(settings)
    with tempfile.TemporaryDirectory(prefix=".leadflow-restore-", dir=_beside(settings)) as tmp:
        scratch = Path(tmp)
        manifest = _unpack(archive_path, scratch)
        _agrees(manifest, database)
        _verify(manifest, scratch)
        if not replace and (in_the_way := _in_the_way(manifest, database, settings)):
            raise Conflict(
                f"{in_the_way} is already there; stop every leadflow process and run again "
                "with --replace to put the backup in its place"
            )
        if database is not None:
            _put_database(scratch / DATABASE_MEMBER, database, settings)
        _put_files(manifest, scratch, settings.data_dir.resolve())
    log.info("backup.restored", path=str(archive_path), files=len(manifest["files"]))
    return RestoreReport(manifest["database"], manifest["revision"], len(manifest["files"]))


def _beside(settings: Settings) -> Path:
    """A folder on the data directory's file system, so that files are moved, not copied."""
    root = settings.data_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def _unpack(archive_path: Path, scratch: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            # The "data" filter refuses absolute paths, "..", links out of the folder, devices.
            archive.extractall(scratch, filter="data")
        manifest: dict[str, Any] = json.loads((scratch / MANIFEST).read_text())
    except (OSError, tarfile.TarError, ValueError) as error:
        raise BadRequest(f"{archive_path} is not a leadflow backup: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BadRequest(f"{archive_path} is a backup of format {manifest.get('format')!r}")
    return manifest


def _agrees(manifest: dict[str, Any], database: Path | None) -> None:
    if manifest["database"] == "sqlite" and database is None:
        raise BadRequest(
            "this backup holds a SQLite database, but LEADFLOW_DATABASE_URL points at PostgreSQL"
        )
    if manifest["database"] != "sqlite" and database is not None:
        raise BadRequest(
            "this backup was taken on PostgreSQL and holds no database; set "
            "LEADFLOW_DATABASE_URL to the database restored with pg_restore"
        )


def _in_the_way(manifest: dict[str, Any], database: Path | None, settings: Settings) -> str:
    """What the restore would replace: a database with data, or a file; "" when nothing."""
    if database is not None and database.exists() and database.stat().st_size > 0:
        return f"a database ({database})"
    root = settings.data_dir.resolve()
    for entry in manifest["files"]:
        if (root / entry["path"]).exists():
            return f"a file ({root / entry['path']})"
    return ""


def _verify(manifest: dict[str, Any], scratch: Path) -> None:
    for entry in manifest["files"]:
        relative = PurePosixPath(entry["path"])
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise BadRequest(f"the backup names a file outside the data directory: {relative}")
        path = scratch / FILES_PREFIX / relative
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BadRequest(f"the backup's copy of {entry['path']} is missing or damaged")
    database = scratch / DATABASE_MEMBER
    if manifest["database"] == "sqlite":
        if not database.is_file():
            raise BadRequest("the backup's database is missing")
        connection = sqlite3.connect(database)
        try:
            _check(connection, "the backup's copy")
        finally:
            connection.close()


def _put_database(copy: Path, database: Path, settings: Settings) -> None:
    """Replaces the database with the copy. The old one's write-ahead log goes first: left
    beside the copy, SQLite would replay it into it. The queue's file goes too."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for stale in sorted(_owned_by(database) | _queue_files(settings)):
        stale.unlink(missing_ok=True)
    os.replace(copy, database)


def _put_files(manifest: dict[str, Any], scratch: Path, root: Path) -> None:
    for entry in manifest["files"]:
        target = root / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(scratch / FILES_PREFIX / entry["path"], target)
