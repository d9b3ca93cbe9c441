"""Import jobs in the background."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.imports.service import ImportRun, fail_import
from leadflow.worker.registry import job


def _gave_up(session: Session, error: str, workspace_id: int, import_id: int) -> None:
    fail_import(session, import_id=import_id, reason=error)


# A file the import cannot read fails the job at once (a BadRequest: no retry mends it); the
# database or the disk failing under it is retried.
@job(
    "imports.run", max_attempts=3, bulk=True, on_dead=_gave_up, formerly="imports.tasks.run_import"
)
def run_import(session: Session, workspace_id: int, import_id: int) -> None:
    # The import commits in transactions of its own and resumes after the last one,
    # so running it again after a crash goes on where it stopped.
    ImportRun(import_id, chunk_rows=get_settings().import_chunk_rows).run(retried=True)
