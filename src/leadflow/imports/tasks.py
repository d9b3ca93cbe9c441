"""Import jobs in the background."""

from __future__ import annotations

from leadflow.config import get_settings
from leadflow.db import unit_of_work
from leadflow.imports import repository
from leadflow.imports.service import ImportRun


def run_import_job(job_id: int) -> None:
    ImportRun(job_id, chunk_rows=get_settings().import_chunk_rows).run()


def unfinished_import_ids() -> list[int]:
    """Imports a stopped process left queued or half done; running them again resumes them."""
    with unit_of_work() as session:
        return repository.unfinished_job_ids(session)
