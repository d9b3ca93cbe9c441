"""Bulk import: a file of any size streamed through validation and identity resolution.

Rows go in chunks (bounded memory); a transaction takes chunks for about a second
(``import_commit_seconds``) and also records the job's progress, so a crash loses at most the
transaction in flight and a restart resumes after the last committed one. A dry run does the
same work in one transaction and rolls it back.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import structlog
from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.db import get_sessionmaker, one_connection, unit_of_work, writer_wanted
from leadflow.exceptions import BadRequest, NotFound, retry_can_mend
from leadflow.identity.companies import CompanyResolver
from leadflow.identity.countries import country_code
from leadflow.identity.service import Intake, IntakeResult, NewLeadsJudge
from leadflow.imports import repository, summary
from leadflow.imports.columns import ColumnMap
from leadflow.imports.parsing import ParsedChunk, ParseJob, parsed_chunks
from leadflow.imports.reader import CsvSource
from leadflow.kit.bulk import StatisticsRefresh, insert_rows
from leadflow.kit.collector import collector_paused
from leadflow.kit.prompt_first import pause_for_prompt_work, prompt_work_running
from leadflow.kit.spreadsheet import defuse
from leadflow.models import ImportJob, ImportRejection, ImportStatus, Workspace
from leadflow.models.base import table, utcnow
from leadflow.worker import enqueue

log = structlog.get_logger()
_GROWING_TABLES = ("lead", "company", "merge_record", "activity")
# Room for the index pages a transaction's random keys land on: at a million leads, twice the
# default cut SQLite's share of a row by a tenth; more gained nothing.
_SQLITE_CACHE_KIB = 64 * 1024
_UPLOAD_NAME = re.compile(r"[0-9a-f]{32}")


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


def _report(job: ImportJob) -> ImportReport:
    return ImportReport(job.rows, job.created, job.merged, job.rejected)


def phone_region(value: str | None) -> str | None:
    """The region an import reads phone numbers without a country code in: a two-letter
    code or a country's name; None (the workspace's default region) when not given."""
    if value is None or not value.strip():
        return None
    code = country_code(value.strip())
    if code is None:
        raise BadRequest(
            f"phone country {value[:40]!r} is not a country: give its two-letter code, like SA"
        )
    return code


Progress = Callable[[ImportJob], None]


def keep_upload(upload: BinaryIO, workspace: Workspace) -> Path:
    """Writes an uploaded file into the workspace's upload folder; refuses it empty. Its name
    (``path.stem``) finds it again with ``stored_upload``. It touches no database: a request
    keeps its upload before it begins to write."""
    folder = _upload_folder(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}.csv"
    with stored.open("wb") as target:
        shutil.copyfileobj(upload, target, length=1024 * 1024)
    if stored.stat().st_size == 0:
        stored.unlink()
        raise BadRequest("the uploaded file is empty")
    return stored


def stored_upload(workspace: Workspace, name: str) -> Path:
    """The file ``keep_upload`` kept for this workspace under ``name``; another workspace's
    name is not found."""
    path = _upload_folder(workspace) / f"{name}.csv"
    if not _UPLOAD_NAME.fullmatch(name) or not path.is_file():
        raise NotFound("this upload is not there any more: upload the file again")
    return path


def discard_upload(session: Session, *, workspace: Workspace, name: str) -> None:
    """Removes an upload no import was started on (one that was is the import's to keep)."""
    path = stored_upload(workspace, name)
    if repository.job_of_file(session, workspace.id, str(path)) is None:
        path.unlink(missing_ok=True)


def _upload_folder(workspace: Workspace) -> Path:
    return get_settings().upload_dir / workspace.slug


@dataclass(frozen=True)
class FileColumns:
    """A file's columns as an import would map them, and its first rows as written."""

    columns: ColumnMap
    samples: list[list[str]]
    encoding: str
    delimiter: str
    total_bytes: int


def read_columns(
    path: Path, *, overrides: dict[str, str] | None = None, sample_rows: int = 3
) -> FileColumns:
    """How an import of the file would map its columns, before any job is recorded. Bounded
    work: the first MiB to sniff, a header within its limits, ``sample_rows`` rows."""
    source, columns = _readable(path, overrides)
    try:
        samples = [list(row.cells) for row in islice(source.rows(), sample_rows)]
    except (OSError, ValueError, csv.Error) as error:
        raise BadRequest(f"cannot import this file: {error}") from None
    fmt = source.format
    return FileColumns(columns, samples, fmt.encoding, fmt.delimiter, fmt.total_bytes)


def _readable(path: Path, overrides: dict[str, str] | None) -> tuple[CsvSource, ColumnMap]:
    try:
        source = CsvSource(path)
        columns = ColumnMap.from_header(source.header, overrides)
    except (OSError, ValueError, csv.Error) as error:
        raise BadRequest(f"cannot import this file: {error}") from None
    return source, columns


def open_import(
    session: Session,
    *,
    workspace: Workspace,
    path: Path,
    filename: str | None = None,
    dry_run: bool = False,
    overrides: dict[str, str] | None = None,
    read: FileColumns | None = None,
    region: str | None = None,
) -> ImportJob:
    """Checks the file can be read and its columns mapped, and records the job. A request
    reads the file first (``read_columns``) and passes ``read``, so that no file is read
    while its transaction holds the writer. ``region`` is the country phone numbers without
    a code are read in (``phone_region``); the workspace's default region when None."""
    read = read or read_columns(path, overrides=overrides, sample_rows=0)
    column_map: dict[str, object] = {
        "mapping": read.columns.describe(),
        "overrides": overrides or {},
        "header": list(read.columns.header),
    }
    if region is not None:
        column_map["phone_region"] = region
    job = ImportJob(
        workspace_id=workspace.id,
        filename=filename or path.name,
        stored_path=str(path),
        dry_run=dry_run,
        encoding=read.encoding,
        delimiter=read.delimiter,
        column_map=column_map,
        total_bytes=read.total_bytes,
    )
    session.add(job)
    session.flush()
    return job


def rejections_csv(import_id: int) -> Iterator[str]:
    """The import's refused rows as CSV text, in parts: the file's own columns, each row's
    cells as they were, and a last column with the reason, so the file can be fixed and
    imported again. Cells a spreadsheet would run as formulas are defused (an import reads
    them back as they were)."""
    with unit_of_work(writes=False) as session:
        job = session.get(ImportJob, import_id)
        header = _original_header(job.column_map if job else {})
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([*header, REASON_COLUMN])
        for count, row in enumerate(repository.rejection_rows(session, import_id), start=1):
            writer.writerow(_rejected_row(row["raw"], row["reason"], len(header)))
            if count % 1000 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()


REASON_COLUMN = "reason"


def _original_header(column_map: dict[str, Any]) -> list[str]:
    # Imports recorded before the header was kept have only their mapping's names.
    return list(column_map.get("header") or column_map.get("mapping") or {})


def _rejected_row(raw: str, reason: str, width: int) -> list[str]:
    """The row's cells under their columns, then the reason; cells past the header's
    (the reason the row was refused) come after it."""
    cells = next(csv.reader(io.StringIO(raw, newline="")), [])
    padded = cells[:width] + [""] * (width - len(cells))
    return [*map(defuse, padded), defuse(reason), *map(defuse, cells[width:])]


class ImportRun:
    """Runs one import job to its end, chunk by chunk; ``progress`` hears of each commit."""

    def __init__(
        self,
        job_id: int,
        *,
        chunk_rows: int = 1000,
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

    def run(self, *, retried: bool = False) -> ImportReport:
        """Imports the file, resuming after the last commit of an earlier run. An error fails
        the import with its reason, unless the run is ``retried`` (a job) and a retry may mend
        the error: then the import stays running for the next attempt to resume."""
        with self.sessions() as session:
            job = self._job(session)
            if job.status in _PAST_ITS_FILE:
                return _report(job)
            workspace = session.get(Workspace, job.workspace_id)
            assert workspace is not None
            workspace_id = workspace.id
            parse = ParseJob(
                path=Path(job.stored_path or ""),
                overrides=job.column_map.get("overrides") or {},
                region=job.column_map.get("phone_region") or workspace.default_region,
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
            if not (retried and retry_can_mend(error)):
                self._fail(error)
            raise

    def _job(self, session: Session) -> ImportJob:
        job = session.get(ImportJob, self.job_id)
        if job is None:
            raise NotFound(f"import {self.job_id} not found")
        return job

    def _commit_each(self, chunks: Iterator[ParsedChunk], workspace_id: int) -> ImportReport:
        """Chunks taken in transactions of about ``commit_seconds``, or of one chunk while
        another writer waits. Each transaction begins with a chunk already parsed in hand.

        A transaction of many chunks writes each index page its random keys land on once,
        not once per chunk: at a million rows, per-chunk commits were a fifth of the work.
        """
        companies: CompanyResolver | None = None
        statistics = StatisticsRefresh(_GROWING_TABLES)
        chunk = next(chunks, None)
        with one_connection(sqlite_cache_kib=_SQLITE_CACHE_KIB) as sessions:
            while chunk is not None:
                pause_for_prompt_work()  # holding no writer: a reply's writes go ahead
                with sessions.begin() as session:
                    job = self._job(session)
                    job.updated_at = utcnow()  # first write: holds the writer lock from here
                    session.flush()
                    companies = _rebind(companies, session, workspace_id)
                    more = self._take_for_a_while(
                        session, job, chunk, chunks, companies, statistics
                    )
                self._report_progress(job)
                chunk = next(chunks, None) if more else None
        return self._finish()

    def _take_for_a_while(
        self,
        session: Session,
        job: ImportJob,
        chunk: ParsedChunk,
        chunks: Iterator[ParsedChunk],
        companies: CompanyResolver,
        statistics: StatisticsRefresh,
    ) -> bool:
        """Takes ``chunk`` and the chunks after it until the transaction has run
        ``commit_seconds`` or another writer wants a turn (True: the rest comes in the next
        transaction); False at the end of the file."""
        ends = time.monotonic() + self.commit_seconds
        while True:
            scorer = _scorer(session, job)
            result = self._take(session, job, chunk, companies, judge=scorer)
            if result is not None and scorer is not None:
                _score_changed_leads(job, result, scorer)
            statistics.after_rows(session, chunk.rows)
            del chunk  # before the collector sweeps: a live chunk is thousands of objects
            gc.collect(1)
            if time.monotonic() >= ends or writer_wanted() or prompt_work_running():
                return True
            if (following := next(chunks, None)) is None:
                return False
            chunk = following

    def _dry(self, chunks: Iterator[ParsedChunk], workspace_id: int) -> ImportReport:
        with self.sessions() as session:
            job = self._job(session)
            companies = CompanyResolver(session, workspace_id)
            for chunk in chunks:
                self._take(session, job, chunk, companies)
                session.flush()
                self._report_progress(job)
                gc.collect(1)
            counts = _report(job)
            column_map = job.column_map
            rejections = [dict(r) for r in repository.rejection_rows(session, self.job_id)]
            session.rollback()
        with self.sessions.begin() as session:
            job = self._job(session)
            job.rows, job.created, job.merged, job.rejected = (
                counts.rows, counts.created, counts.merged, counts.rejected,
            )  # fmt: skip
            job.column_map = column_map
            job.processed_bytes = job.total_bytes
            insert_rows(session, table(ImportRejection), rejections)
        return self._finish()

    def _take(
        self,
        session: Session,
        job: ImportJob,
        chunk: ParsedChunk,
        companies: CompanyResolver,
        *,
        judge: NewLeadsJudge | None = None,
    ) -> IntakeResult | None:
        intake = Intake(
            session, job.workspace_id, actor=origin_of(job.id), companies=companies, judge=judge
        )
        result = intake.run(chunk.drafts, via="import") if chunk.drafts else None
        for rejection in chunk.rejections:
            rejection["import_job_id"] = job.id
        insert_rows(session, table(ImportRejection), chunk.rejections)
        job.rows += chunk.rows
        job.created += result.created if result else 0
        job.merged += result.merged if result else 0
        job.rejected += len(chunk.rejections)
        job.column_map = summary.recorded(
            job.column_map, rejections=chunk.rejections, warnings=chunk.warnings
        )
        job.processed_bytes = chunk.offset
        return result

    def _report_progress(self, job: ImportJob) -> None:
        if self.progress is not None:
            self.progress(job)

    def _finish(self) -> ImportReport:
        with self.sessions.begin() as session:
            job = self._job(session)
            job.processed_bytes = job.total_bytes
            if job.created and not job.dry_run and not _SCORERS:
                _start_scoring(session, job)
            else:
                job.status, job.finished_at = ImportStatus.completed, utcnow()
            log.info(
                "import.read",
                import_id=job.id,
                rows=job.rows,
                created=job.created,
                merged=job.merged,
                rejected=job.rejected,
            )
            return _report(job)

    def _fail(self, error: Exception) -> None:
        log.exception("import.failed", import_id=self.job_id)
        with self.sessions.begin() as session:
            fail_import(session, import_id=self.job_id, reason=str(error))


_PAST_ITS_FILE = (ImportStatus.scoring, ImportStatus.completed, ImportStatus.failed)
SCORING = "scoring"  # the job's record of scoring its new leads, in its column_map
KEPT_FAILURES = 20  # leads that could not be scored, kept one by one; past them only counted


class ChunkScorer(NewLeadsJudge, Protocol):
    """Scores one chunk's leads in the import's transaction: judges its new leads as intake
    writes them (``NewLeadsJudge``), then ``finish`` scores again the import's own leads the
    chunk ``changed`` by merging into them, and tells: how many of the new leads were scored,
    and those that could not be, with why."""

    def finish(self, changed: Sequence[int]) -> tuple[int, dict[int, str]]: ...


# Makes a chunk's scorer: (session, workspace id, import_id=, origin=) -> ChunkScorer.
# Scoring imports this module, so it says so itself as it loads.
NewLeadsScorer = Callable[..., ChunkScorer]
_SCORERS: list[NewLeadsScorer] = []


def score_new_leads_with(scorer: NewLeadsScorer | None) -> None:
    """Has ``scorer`` score each transaction's new leads as they are written (ADR 0019): the
    import is then completed with its last row, every new lead scored. Without one (None),
    they are scored after the file, by the job ``scoring.score_imported``."""
    _SCORERS[:] = [scorer] if scorer is not None else []


def _scorer(session: Session, job: ImportJob) -> ChunkScorer | None:
    if not _SCORERS:
        return None
    return _SCORERS[0](session, job.workspace_id, import_id=job.id, origin=origin_of(job.id))


def _score_changed_leads(job: ImportJob, result: IntakeResult, scorer: ChunkScorer) -> None:
    changed = [o.lead_id for o in result.outcomes() if o.outcome == "merged"]
    scored, failures = scorer.finish(changed)
    job.column_map = {**job.column_map, SCORING: _counted(job, scored, failures)}


def _counted(job: ImportJob, scored: int, failures: dict[int, str]) -> dict[str, Any]:
    """The import's scoring progress with ``scored`` more leads and ``failures`` (the first
    ``KEPT_FAILURES`` kept with why, the rest only counted)."""
    progress = dict(job.column_map.get(SCORING) or {})
    kept = list(progress.get("failures") or [])
    room = max(0, KEPT_FAILURES - len(kept))
    kept += [{"lead_id": i, "reason": r} for i, r in list(failures.items())[:room]]
    progress.update(
        scored=progress.get("scored", 0) + scored,
        failed=progress.get("failed", 0) + len(failures),
        failures=kept,
    )
    return progress


def origin_of(import_id: int) -> str:
    """What the leads an import created record as their origin."""
    return f"import:{import_id}"


def _start_scoring(session: Session, job: ImportJob) -> None:
    """Every row is in: the leads the import created are scored next, in batches (the job
    ``scoring.score_imported``); the import is completed when the last of them is."""
    job.status = ImportStatus.scoring
    job.column_map = {**job.column_map, SCORING: {"after": 0, "scored": 0, "failed": 0}}
    enqueue(session, "scoring.score_imported", job.workspace_id, job.id)


def scoring_cursor(session: Session, import_id: int) -> int | None:
    """The id after which the import's leads are still to be scored; None when it is not
    scoring (completed, failed, or never had leads to score)."""
    job = session.get(ImportJob, import_id)
    if job is None or job.status != ImportStatus.scoring:
        return None
    return int(job.column_map.get(SCORING, {}).get("after", 0))


def scoring_progressed(
    session: Session,
    *,
    import_id: int,
    after: int,
    last_id: int | None,
    scored: int,
    failures: dict[int, str],
) -> bool:
    """Records that the import's leads after ``after`` up to ``last_id`` were scored (None:
    none was left, and the import is completed). False, recording nothing, when another run
    recorded that batch first: its verdicts are not to be kept twice."""
    job = session.get(ImportJob, import_id)
    if job is None or scoring_cursor(session, import_id) != after:
        return False
    progress = _counted(job, scored, failures)
    progress["after"] = last_id or after
    job.column_map = {**job.column_map, SCORING: progress}
    if last_id is None:
        job.status, job.finished_at = ImportStatus.completed, utcnow()
        log.info("import.completed", import_id=job.id, scored=progress["scored"])
    return True


def scoring_stopped(session: Session, *, import_id: int, reason: str) -> None:
    """The import's leads are in but scoring them gave up: the import fails with the reason
    (its leads stay, scored as far as it went)."""
    job = session.get(ImportJob, import_id)
    if job is None or job.status != ImportStatus.scoring:
        return
    job.status, job.finished_at = ImportStatus.failed, utcnow()
    job.error = f"the rows were imported, but scoring the new leads stopped: {reason}"[:2000]


def fail_import(session: Session, *, import_id: int, reason: str) -> None:
    """Marks an unfinished import failed, with the reason shown to the person; an import that
    ended already keeps its ending."""
    job = session.get(ImportJob, import_id)
    if job is None or job.status in _PAST_ITS_FILE:
        return
    job.status, job.error, job.finished_at = ImportStatus.failed, reason[:2000], utcnow()


def _rebind(
    companies: CompanyResolver | None, session: Session, workspace_id: int
) -> CompanyResolver:
    if companies is None:
        return CompanyResolver(session, workspace_id)
    companies.session = session
    return companies
