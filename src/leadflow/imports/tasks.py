"""Import jobs in the background."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.imports.service import ImportRun
from leadflow.worker.registry import job


@job(max_attempts=3, bulk=True)
def run_import(session: Session, workspace_id: int, import_id: int) -> None:
    # The import commits in transactions of its own and resumes after the last one,
    # so running it again after a crash goes on where it stopped.
    ImportRun(import_id, chunk_rows=get_settings().import_chunk_rows).run()
