from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from leadflow.models import ImportJob, ImportRejection
from leadflow.models.base import table


def get_job(session: Session, workspace_id: int, job_id: int) -> ImportJob | None:
    return session.scalar(
        select(ImportJob).where(ImportJob.id == job_id, ImportJob.workspace_id == workspace_id)
    )


def rejection_rows(session: Session, job_id: int) -> Iterator[RowMapping]:
    columns = table(ImportRejection).c
    statement = (
        select(columns.import_job_id, columns.line, columns.reason, columns.raw)
        .where(columns.import_job_id == job_id)
        .order_by(columns.line)
        .execution_options(yield_per=2000)
    )
    return iter(session.execute(statement).mappings())


def rejections_page(
    session: Session, job_id: int, *, after_line: int, limit: int
) -> list[ImportRejection]:
    statement = (
        select(ImportRejection)
        .where(ImportRejection.import_job_id == job_id, ImportRejection.line > after_line)
        .order_by(ImportRejection.line)
        .limit(limit)
    )
    return list(session.scalars(statement))


def recent_jobs(session: Session, workspace_id: int, *, limit: int = 20) -> list[ImportJob]:
    statement = (
        select(ImportJob)
        .where(ImportJob.workspace_id == workspace_id)
        .order_by(ImportJob.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def job_of_file(session: Session, workspace_id: int, stored_path: str) -> ImportJob | None:
    """The job that imports the stored file, if one was started already."""
    return session.scalar(
        select(ImportJob).where(
            ImportJob.workspace_id == workspace_id, ImportJob.stored_path == stored_path
        )
    )
