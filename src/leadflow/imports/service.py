"""Bulk import: a file of any size streamed through validation and identity resolution.

Rows go in chunks (bounded memory); a transaction takes chunks for about a second
(``import_commit_seconds``) and also records the job's progress, so a crash loses at most the
transaction in flight and a restart resumes after the last committed one. A dry run does the
same work in one transaction and rolls it back.
"""

from __future__ import annotations

import csv
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import structlog
from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.db import get_sessionmaker, one_connection
from leadflow.exceptions import BadRequest, NotFound
from leadflow.identity.companies import CompanyResolver
from leadflow.identity.service import Intake
from leadflow.imports import repository
from leadflow.imports.columns import ColumnMap
from leadflow.imports.parsing import ParsedChunk, ParseJob, parsed_chunks
from leadflow.imports.reader import CsvSource
from leadflow.kit.bulk import StatisticsRefresh, insert_rows
from leadflow.kit.collector import collector_paused
from leadflow.models import ImportJob, ImportRejection, ImportStatus, Workspace
from leadflow.models.base import table, utcnow

log = structlog.get_logger()
_GROWING_TABLES = ("lead", "company", "merge_record", "activity")
# Room for the index pages a transaction's random keys land on: at a million leads, twice the
# default cut SQLite's share of a row by a tenth; more gained nothing.
_SQLITE_CACHE_KIB = 64 * 1024


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    merged: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "merged": self.merged,
            "rejected": self.rejected,
        }


Progress = Callable[[ImportJob], None]


def open_import(
    session: Session,
    *,
    workspace: Workspace,
    path: Path,
    filename: str | None = None,
    dry_run: bool = False,
    overrides: dict[str, str] | None = None,
) -> ImportJob:
    """Checks the file can be read and its columns mapped, and records the job."""
    try:
        source = CsvSource(path)
        columns = ColumnMap.from_header(source.header, overrides)
    except (OSError, ValueError, csv.Error) as error:
        raise BadRequest(f"cannot import this file: {error}") from None
    job = ImportJob(
        workspace_id=workspace.id,
        filename=filename or path.name,
        stored_path=str(path),
        dry_run=dry_run,
        encoding=source.format.encoding,
        delimiter=source.format.delimiter,
        column_map={"mapping": columns.describe(), "overrides": overrides or {}},
        total_bytes=source.format.total_bytes,
    )
    session.add(job)
    session.flush()
    return job


class ImportRun:
    """Runs one import job to its end, chunk by chunk; ``progress`` hears of each commit."""

    def __init__(
        self,
        job_id: int,
        *,
        chunk_rows: int = 5000,
        commit_seconds: float | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.job_id = job_id
        self.chunk_rows = chunk_rows
        self.commit_seconds = (
            get_settings().import_commit_seconds if commit_seconds is None else commit_seconds
        )
        self.progress = progress
        self.sessions = get_sessionmaker()

    def run(self) -> ImportReport:
        with self.sessions() as session:
            job = self._job(session)
            if job.status in (ImportStatus.completed, ImportStatus.failed):
                return ImportReport(job.rows, job.created, job.merged, job.rejected)
            workspace = session.get(Workspace, job.workspace_id)
            assert workspace is not None
            workspace_id = workspace.id
            parse = ParseJob(
                path=Path(job.stored_path or ""),
                overrides=job.column_map.get("overrides") or {},
                region=workspace.default_region,
                chunk_rows=self.chunk_rows,
                skip_rows=0 if job.dry_run else job.rows,
            )
            size, dry_run = job.total_bytes, job.dry_run
            job.status, job.started_at = ImportStatus.running, job.started_at or utcnow()
            session.commit()
        chunks = parsed_chunks(parse, size=size)
        try:
            with collector_paused():
                if dry_run:
                    return self._dry(chunks, workspace_id)
                return self._commit_each(chunks, workspace_id)
        except Exception as error:
            self._fail(error)
            raise

    def _job(self, session: Session) -> ImportJob:
        job = session.get(ImportJob, self.job_id)
        if job is None:
            raise NotFound(f"import {self.job_id} not found")
        return job

    def _commit_each(self, chunks: Iterator[ParsedChunk], workspace_id: int) -> ImportReport:
        """Chunks taken in transactions of about ``commit_seconds``.

        A transaction of many chunks writes each index page its random keys land on once,
        not once per chunk: at a million rows, per-chunk commits were a fifth of the work.
        """
        companies: CompanyResolver | None = None
        statistics = StatisticsRefresh(_GROWING_TABLES)
        more = True
        with one_connection(sqlite_cache_kib=_SQLITE_CACHE_KIB) as sessions:
            while more:
                with sessions.begin() as session:
                    job = self._job(session)
                    job.updated_at = utcnow()  # first write: holds the writer lock from here
                    session.flush()
                    companies = _rebind(companies, session, workspace_id)
                    more = self._take_for_a_while(session, job, chunks, companies, statistics)
                self._report_progress(job)
        return self._finish()

    def _take_for_a_while(
        self,
        session: Session,
        job: ImportJob,
        chunks: Iterator[ParsedChunk],
        companies: CompanyResolver,
        statistics: StatisticsRefresh,
    ) -> bool:
        """Takes chunks until the transaction has run ``commit_seconds``; False at the end of
        the file. Waits for at most one chunk's parsing while holding the writer lock."""
        ends = time.monotonic() + self.commit_seconds
        while (chunk := next(chunks, None)) is not None:
            self._take(session, job, chunk, companies)
            statistics.after_rows(session, chunk.rows)
            del chunk  # before the collector sweeps: a live chunk is thousands of objects
            gc.collect(1)
            if time.monotonic() >= ends:
                return True
        return False

    def _dry(self, chunks: Iterator[ParsedChunk], workspace_id: int) -> ImportReport:
        with self.sessions() as session:
            job = self._job(session)
            companies = CompanyResolver(session, workspace_id)
            for chunk in chunks:
                self._take(session, job, chunk, companies)
                session.flush()
                self._report_progress(job)
                gc.collect(1)
            counts = ImportReport(job.rows, job.created, job.merged, job.rejected)
            rejections = [dict(r) for r in repository.rejection_rows(session, self.job_id)]
            session.rollback()
        with self.sessions.begin() as session:
            job = self._job(session)
            job.rows, job.created, job.merged, job.rejected = (
                counts.rows, counts.created, counts.merged, counts.rejected,
            )  # fmt: skip
            job.processed_bytes = job.total_bytes
            insert_rows(session, table(ImportRejection), rejections)
        return self._finish()

    def _take(
        self, session: Session, job: ImportJob, chunk: ParsedChunk, companies: CompanyResolver
    ) -> None:
        intake = Intake(session, job.workspace_id, actor=f"import:{job.id}", companies=companies)
        result = intake.run(chunk.drafts, via="import") if chunk.drafts else None
        for rejection in chunk.rejections:
            rejection["import_job_id"] = job.id
        insert_rows(session, table(ImportRejection), chunk.rejections)
        job.rows += chunk.rows
        job.created += result.created if result else 0
        job.merged += result.merged if result else 0
        job.rejected += len(chunk.rejections)
        job.processed_bytes = chunk.offset

    def _report_progress(self, job: ImportJob) -> None:
        if self.progress is not None:
            self.progress(job)

    def _finish(self) -> ImportReport:
        with self.sessions.begin() as session:
            job = self._job(session)
            job.status, job.finished_at = ImportStatus.completed, utcnow()
            job.processed_bytes = job.total_bytes
            log.info(
                "import.completed",
                import_id=job.id,
                rows=job.rows,
                created=job.created,
                merged=job.merged,
                rejected=job.rejected,
            )
            return ImportReport(job.rows, job.created, job.merged, job.rejected)

    def _fail(self, error: Exception) -> None:
        log.exception("import.failed", import_id=self.job_id)
        with self.sessions.begin() as session:
            job = self._job(session)
            job.status, job.error, job.finished_at = (
                ImportStatus.failed,
                str(error)[:2000],
                utcnow(),
            )


def _rebind(
    companies: CompanyResolver | None, session: Session, workspace_id: int
) -> CompanyResolver:
    if companies is None:
        return CompanyResolver(session, workspace_id)
    companies.session = session
    return companies
