from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from leadflow.kit.pagination import Sort, fetch_page
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


_BY_LINE = Sort(key="line", column=ImportRejection.line, id_column=ImportRejection.id, kind=int)
_NEWEST_FIRST = Sort(
    key="-created_at", column=ImportJob.created_at, id_column=ImportJob.id, kind=datetime
)


def rejections_page(
    session: Session, job_id: int, *, limit: int, cursor: str | None
) -> tuple[list[ImportRejection], str | None]:
    statement = select(ImportRejection).where(ImportRejection.import_job_id == job_id)
    return fetch_page(session, statement, _BY_LINE, limit=limit, cursor=cursor)


def jobs_page(
    session: Session, workspace_id: int, *, limit: int, cursor: str | None
) -> tuple[list[ImportJob], str | None]:
    statement = select(ImportJob).where(ImportJob.workspace_id == workspace_id)
    return fetch_page(session, statement, _NEWEST_FIRST, limit=limit, cursor=cursor)


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
