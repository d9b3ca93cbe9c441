"""Uploaded files kept in the data directory: written within a size limit, and removed only
once the transaction that stopped needing them has committed."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from leadflow.exceptions import BadRequest, PayloadTooLarge
from leadflow.kit import on_commit

_TO_REMOVE = "leadflow_files_to_remove"


def keep(upload: BinaryIO, folder: Path, *, suffix: str, limit: int) -> Path:
    """Writes the upload under a fresh name in ``folder``; refuses it empty or over ``limit``."""
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{suffix[:10]}"
    with stored.open("wb") as target:
        copied = _copy_at_most(upload, target, limit)
    if 0 < copied <= limit:
        return stored
    stored.unlink()
    if copied == 0:
        raise BadRequest("the uploaded file is empty")
    raise PayloadTooLarge(f"uploads are limited to {limit} bytes")


def remove_after_commit(session: Session, paths: list[str]) -> None:
    for path in paths:
        on_commit.hold(session, _TO_REMOVE, path)


def _copy_at_most(source: BinaryIO, target: BinaryIO, limit: int) -> int:
    copied = 0
    while part := source.read(1024 * 1024):
        copied += len(part)
        if copied > limit:
            return copied
        target.write(part)
    return copied


@event.listens_for(Session, "after_commit")
def _remove(session: Session) -> None:
    if not on_commit.committed_for_good(session):
        return
    for path in on_commit.take(session, _TO_REMOVE):
        with contextlib.suppress(OSError):
            Path(path).unlink()


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    on_commit.forget(session, previous, _TO_REMOVE)
