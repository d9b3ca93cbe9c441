"""Import: upload a CSV, see how its columns map to lead fields and change that, start the
import as a background job, watch its progress, and download the rows it refused."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response, StreamingResponse

from leadflow.dashboard.pages import Viewer, ViewerDep, not_found, redirect, render
from leadflow.dependencies import SessionDep
from leadflow.exceptions import BadRequest, LeadflowError
from leadflow.identity.drafts import LEAD_FIELDS
from leadflow.imports import repository, service
from leadflow.imports.columns import CUSTOM, IGNORE, ColumnMap
from leadflow.imports.schemas import ImportJobOut
from leadflow.imports.tasks import run_import
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
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is None or not file.filename:
        return _index(request, viewer, session, error=viewer.t("imports.error.no_file"), status=400)
    try:
        stored = service.keep_upload(file.file, viewer.workspace)
        _mappable(session, viewer, stored)
    except LeadflowError as refused:
        return _index(request, viewer, session, error=refused.message, status=refused.status)
    return redirect(f"/imports/uploads/{stored.stem}?filename={quote(file.filename)}", request)


def _mappable(session: SessionDep, viewer: Viewer, stored: Path) -> None:
    """Refuses, and forgets, a file whose columns cannot be read."""
    try:
        if not service.read_columns(stored, sample_rows=0).columns.header:
            raise BadRequest(viewer.t("imports.error.no_columns"))
    except LeadflowError:
        service.discard_upload(session, workspace=viewer.workspace, name=stored.stem)
        raise


def _index(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
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
    session: SessionDep,
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
    viewer: ViewerDep,
    session: SessionDep,
    name: UploadName,
    target: Annotated[list[str] | None, Form()] = None,
    filename: Annotated[str, Form(max_length=500)] = "upload.csv",
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    try:
        stored = service.stored_upload(viewer.workspace, name)
    except LeadflowError as missing:
        return not_found(request, viewer, missing.message)
    started = repository.job_of_file(session, viewer.workspace.id, str(stored))
    if started is None:
        try:
            started = _open(session, viewer, stored, filename, target or [], dry_run=dry_run)
        except LeadflowError as refused:
            return _mapping_page(
                request,
                viewer,
                session,
                stored,
                filename,
                error=refused.message,
                status=refused.status,
            )
    return redirect(f"/imports/{started.id}", request)


@router.post("/imports/uploads/{name}/discard")
def discard(request: Request, viewer: ViewerDep, session: SessionDep, name: UploadName) -> Response:
    """Another file is chosen instead: the one uploaded is not kept."""
    try:
        service.discard_upload(session, workspace=viewer.workspace, name=name)
    except LeadflowError as missing:
        return not_found(request, viewer, missing.message)
    return redirect("/imports", request)


def _open(
    session: SessionDep,
    viewer: Viewer,
    stored: Path,
    filename: str,
    targets: list[str],
    *,
    dry_run: bool,
) -> ImportJob:
    """Records the import with the columns the person changed, and queues it."""
    detected = service.read_columns(stored, sample_rows=0).columns
    if len(targets) != detected.width:
        raise BadRequest(viewer.t("imports.error.mapping_changed"))
    overrides = {
        header: chosen
        for index, (header, chosen) in enumerate(zip(detected.header, targets, strict=True))
        if chosen != _target(detected, index)
    }
    job = service.open_import(
        session, workspace=viewer.workspace, path=stored, filename=filename or stored.name,
        dry_run=dry_run, overrides=overrides,
    )  # fmt: skip
    enqueue(session, run_import, viewer.workspace.id, job.id)
    return job


@router.get("/imports/{import_id}")
def import_job(
    request: Request, viewer: ViewerDep, session: SessionDep, import_id: IdPath
) -> Response:
    job = repository.get_job(session, viewer.workspace.id, import_id)
    if job is None:
        return not_found(request, viewer, viewer.t("imports.not_found"))
    return render(request, viewer, "imports/job.html", job=job, percent=_percent(job))


@router.get("/imports/{import_id}/progress")
def progress(
    request: Request, viewer: ViewerDep, session: SessionDep, import_id: IdPath
) -> Response:
    job = repository.get_job(session, viewer.workspace.id, import_id)
    if job is None:
        return not_found(request, viewer, viewer.t("imports.not_found"))
    return render(request, viewer, "imports/progress.html", job=job, percent=_percent(job))


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


def _percent(job: ImportJob) -> float:
    return ImportJobOut.model_validate(job).progress_percent
