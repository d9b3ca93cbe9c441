"""Import: upload a CSV, see how its columns map to lead fields and change that, start the
import as a background job, watch its progress, and download the rows it refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from leadflow.dashboard.pages import (
    Viewer,
    ViewerDep,
    ViewerReadDep,
    not_found,
    redirect,
    render,
)
from leadflow.db import unit_of_work
from leadflow.dependencies import SessionDep
from leadflow.exceptions import BadRequest, LeadflowError
from leadflow.identity.drafts import LEAD_FIELDS
from leadflow.imports import repository, service
from leadflow.imports.columns import CUSTOM, IGNORE, ColumnMap
from leadflow.imports.schemas import ImportJobOut
from leadflow.imports.service import FileColumns
from leadflow.kit.schemas import IdPath
from leadflow.models import ImportJob
from leadflow.worker import enqueue

router = APIRouter()
TARGETS = (*LEAD_FIELDS, CUSTOM, IGNORE)
UploadName = Annotated[str, PathParam(max_length=32)]


@router.get("/imports")
def imports(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    return _index(request, viewer, session)


@router.post("/imports")
def upload(
    request: Request, viewer: ViewerReadDep, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    """Keeps the file and reads its columns, writing nothing: the mapping page comes next."""
    try:
        if file is None or not file.filename:
            raise BadRequest(viewer.t("imports.error.no_file"))
        stored = _mappable(viewer, service.keep_upload(file.file, viewer.workspace))
    except LeadflowError as refused:
        with unit_of_work(writes=False) as session:
            return _index(request, viewer, session, error=refused.message, status=refused.status)
    return redirect(f"/imports/uploads/{stored.stem}?filename={quote(file.filename)}", request)


def _mappable(viewer: Viewer, stored: Path) -> Path:
    """Refuses, and forgets, a file whose columns cannot be read (no import has it yet)."""
    try:
        if not service.read_columns(stored, sample_rows=0).columns.header:
            raise BadRequest(viewer.t("imports.error.no_columns"))
    except LeadflowError:
        stored.unlink(missing_ok=True)
        raise
    return stored


def _index(
    request: Request,
    viewer: Viewer,
    session: Session,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    jobs = repository.recent_jobs(session, viewer.workspace.id)
    return render(request, viewer, "imports/index.html", status_code=status, jobs=jobs, error=error)


@router.get("/imports/uploads/{name}")
def mapping(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    name: UploadName,
    filename: str = "upload.csv",
) -> Response:
    try:
        stored = service.stored_upload(viewer.workspace, name)
    except LeadflowError as missing:
        return not_found(request, viewer, missing.message)
    started = repository.job_of_file(session, viewer.workspace.id, str(stored))
    if started is not None:
        return redirect(f"/imports/{started.id}", request)
    return _mapping_page(request, viewer, session, stored, filename[:500])


def _mapping_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    stored: Path,
    filename: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    try:
        read = service.read_columns(stored)
    except LeadflowError as refused:
        return _index(request, viewer, session, error=refused.message, status=refused.status)
    columns = [
        (index, header, _target(read.columns, index), _samples(read, index))
        for index, header in enumerate(read.columns.header)
    ]
    return render(
        request, viewer, "imports/mapping.html", status_code=status, name=stored.stem,
        filename=filename, columns=columns, targets=TARGETS, read=read, error=error,
    )  # fmt: skip


def _samples(read: service.FileColumns, index: int) -> list[str]:
    return [row[index] for row in read.samples if index < len(row) and row[index]]


def _target(columns: ColumnMap, index: int) -> str:
    """What the column becomes: a lead field, a custom field, or nothing."""
    if index in columns.fields:
        return columns.fields[index]
    return CUSTOM if index in columns.custom else IGNORE


@router.post("/imports/uploads/{name}")
def start(
    request: Request,
    viewer: ViewerReadDep,
    name: UploadName,
    target: Annotated[list[str] | None, Form()] = None,
    filename: Annotated[str, Form(max_length=500)] = "upload.csv",
    dry_run: Annotated[bool, Form()] = False,
    phone_region: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Starts the import with the columns as the person mapped them. The file is read before
    the transaction that records the job begins."""
    try:
        stored = service.stored_upload(viewer.workspace, name)
    except LeadflowError as missing:
        return not_found(request, viewer, missing.message)
    try:
        read, overrides = _mapped(viewer, stored, target or [])
        choices = _Choices(overrides, dry_run, service.phone_region(phone_region))
        with unit_of_work() as session:
            started = repository.job_of_file(session, viewer.workspace.id, str(stored))
            if started is None:
                started = _open(session, viewer, stored, filename, read, choices)
            job_id = started.id
    except LeadflowError as refused:
        with unit_of_work(writes=False) as session:
            return _mapping_page(
                request, viewer, session, stored, filename, error=refused.message,
                status=refused.status,
            )  # fmt: skip
    return redirect(f"/imports/{job_id}", request)


@router.post("/imports/uploads/{name}/discard")
def discard(request: Request, viewer: ViewerDep, session: SessionDep, name: UploadName) -> Response:
    """Another file is chosen instead: the one uploaded is not kept."""
    try:
        service.discard_upload(session, workspace=viewer.workspace, name=name)
    except LeadflowError as missing:
        return not_found(request, viewer, missing.message)
    return redirect("/imports", request)


def _mapped(viewer: Viewer, stored: Path, targets: list[str]) -> tuple[FileColumns, dict[str, str]]:
    """The file read with the columns the person changed, and those changes."""
    detected = service.read_columns(stored, sample_rows=0).columns
    if len(targets) != detected.width:
        raise BadRequest(viewer.t("imports.error.mapping_changed"))
    overrides = {
        header: chosen
        for index, (header, chosen) in enumerate(zip(detected.header, targets, strict=True))
        if chosen != _target(detected, index)
    }
    return service.read_columns(stored, overrides=overrides, sample_rows=0), overrides


@dataclass(frozen=True)
class _Choices:
    """What the person chose on the mapping page."""

    overrides: dict[str, str]
    dry_run: bool
    region: str | None


def _open(
    session: Session,
    viewer: Viewer,
    stored: Path,
    filename: str,
    read: FileColumns,
    choices: _Choices,
) -> ImportJob:
    """Records the import and queues it."""
    job = service.open_import(
        session, workspace=viewer.workspace, path=stored, filename=filename or stored.name,
        dry_run=choices.dry_run, overrides=choices.overrides, read=read, region=choices.region,
    )  # fmt: skip
    enqueue(session, "imports.run", viewer.workspace.id, job.id)
    return job


@router.get("/imports/{import_id}")
def import_job(
    request: Request, viewer: ViewerDep, session: SessionDep, import_id: IdPath
) -> Response:
    job = repository.get_job(session, viewer.workspace.id, import_id)
    if job is None:
        return not_found(request, viewer, viewer.t("imports.not_found"))
    return render(request, viewer, "imports/job.html", **_shown(job))


@router.get("/imports/{import_id}/progress")
def progress(
    request: Request, viewer: ViewerDep, session: SessionDep, import_id: IdPath
) -> Response:
    job = repository.get_job(session, viewer.workspace.id, import_id)
    if job is None:
        return not_found(request, viewer, viewer.t("imports.not_found"))
    return render(request, viewer, "imports/progress.html", **_shown(job))


@router.get("/imports/{import_id}/rejected.csv", response_model=None)
def rejected_rows(
    request: Request, viewer: ViewerDep, session: SessionDep, import_id: IdPath
) -> Response:
    job = repository.get_job(session, viewer.workspace.id, import_id)
    if job is None:
        return not_found(request, viewer, viewer.t("imports.not_found"))
    return StreamingResponse(
        service.rejections_csv(job.id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{job.id}-rejected.csv"'},
    )


def _shown(job: ImportJob) -> dict[str, Any]:
    """The job and its record as the API gives it: progress, reasons grouped, warnings."""
    record = ImportJobOut.model_validate(job)
    return {"job": job, "record": record, "percent": record.progress_percent, "fields": TARGETS}
