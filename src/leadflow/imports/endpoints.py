from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from leadflow.db import unit_of_work
from leadflow.dependencies import SessionDep, WorkspaceDep, WorkspaceReadDep
from leadflow.exceptions import BadRequest, NotFound
from leadflow.imports import repository, service
from leadflow.imports.schemas import ImportJobOut, RejectionOut
from leadflow.kit.pagination import CursorQuery, Page, PageLimit
from leadflow.kit.schemas import IdPath
from leadflow.models import ImportJob
from leadflow.worker import enqueue

router = APIRouter(tags=["imports"])


def _job(session: Session, workspace_id: int, import_id: int) -> ImportJob:
    job = repository.get_job(session, workspace_id, import_id)
    if job is None:
        raise NotFound(f"import {import_id} not found")
    return job


def _overrides(raw: str | None) -> dict[str, str] | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise BadRequest('columns must be a JSON object like {"Cell #": "phone"}') from None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise BadRequest('columns must be a JSON object like {"Cell #": "phone"}')
    return value


@router.post("/imports", response_model=ImportJobOut, status_code=status.HTTP_202_ACCEPTED)
def upload_import(
    workspace: WorkspaceReadDep,
    file: Annotated[
        UploadFile,
        File(
            description="CSV file: UTF-8 (with or without BOM), UTF-16, or a legacy encoding "
            "such as Windows-1252 or Windows-1256"
        ),
    ],
    dry_run: Annotated[bool, Form()] = False,
    columns: Annotated[
        str | None,
        Form(
            description='JSON {"header": "field"} overrides: a lead field, "custom" to keep the '
            'column as a custom field, or "ignore" to leave it out'
        ),
    ] = None,
    phone_region: Annotated[
        str | None,
        Form(
            max_length=100,
            description="country phone numbers without a country code are read in (a "
            "two-letter code like SA); default: the workspace's default region",
        ),
    ] = None,
) -> ImportJobOut:
    """Upload a CSV of leads; it is imported in the background. Poll the job for progress.
    A bad optional field (a phone, a website, a company size) is left blank with a warning
    on the import; a row is refused only when nothing left identifies a lead."""
    overrides = _overrides(columns)
    region = service.phone_region(phone_region)
    # The file is kept and read before the transaction begins: no writer is held meanwhile.
    stored = service.keep_upload(file.file, workspace)
    try:
        read = service.read_columns(stored, overrides=overrides, sample_rows=0)
    except BadRequest:
        stored.unlink(missing_ok=True)
        raise
    with unit_of_work() as session:
        job = service.open_import(
            session, workspace=workspace, path=stored, filename=file.filename or "upload.csv",
            dry_run=dry_run, overrides=overrides, read=read, region=region,
        )  # fmt: skip
        enqueue(session, "imports.run", workspace.id, job.id)
        return ImportJobOut.model_validate(job)


@router.get("/imports", response_model=Page[ImportJobOut])
def list_imports(
    session: SessionDep, workspace: WorkspaceDep, limit: PageLimit = 50, cursor: CursorQuery = None
) -> Page[ImportJobOut]:
    """The workspace's imports, newest first, a page at a time (pass next_cursor back)."""
    jobs, next_cursor = repository.jobs_page(session, workspace.id, limit=limit, cursor=cursor)
    return Page[ImportJobOut](
        items=[ImportJobOut.model_validate(j) for j in jobs], next_cursor=next_cursor
    )


@router.get("/imports/{import_id}", response_model=ImportJobOut)
def get_import(import_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> ImportJobOut:
    """An import's status, counts and progress."""
    return ImportJobOut.model_validate(_job(session, workspace.id, import_id))


@router.get("/imports/{import_id}/rejections", response_model=Page[RejectionOut])
def list_rejections(
    import_id: IdPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    limit: PageLimit = 100,
    cursor: CursorQuery = None,
) -> Page[RejectionOut]:
    """Rows the import refused, by line, with their reasons (pass next_cursor back)."""
    _job(session, workspace.id, import_id)
    rows, next_cursor = repository.rejections_page(session, import_id, limit=limit, cursor=cursor)
    return Page[RejectionOut](
        items=[RejectionOut.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/imports/{import_id}/rejections.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def download_rejections(
    import_id: IdPath, session: SessionDep, workspace: WorkspaceDep
) -> StreamingResponse:
    """The refused rows as CSV: the file's own columns with each row as it was, and a
    ``reason`` column, to fix and import again."""
    _job(session, workspace.id, import_id)
    return StreamingResponse(
        service.rejections_csv(import_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{import_id}-rejected.csv"'},
    )
