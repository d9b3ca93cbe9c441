from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.kit.pagination import CursorQuery, Page, PageLimit
from leadflow.kit.schemas import IdPath
from leadflow.operations.job_schemas import DeadJobOut, ReplayOut
from leadflow.worker import dead_letters

router = APIRouter(tags=["jobs"])


@router.get("/jobs/dead", response_model=Page[DeadJobOut])
def list_dead_jobs(
    session: SessionDep,
    workspace: WorkspaceDep,
    include_replayed: Annotated[bool, Query()] = False,
    limit: PageLimit = 50,
    cursor: CursorQuery = None,
) -> Page[DeadJobOut]:
    """Background jobs of this workspace that failed every retry, newest first."""
    rows, next_cursor = dead_letters.dead_page(
        session, workspace_id=workspace.id, include_replayed=include_replayed, limit=limit,
        cursor=cursor,
    )  # fmt: skip
    return Page[DeadJobOut](
        items=[DeadJobOut.model_validate(row) for row in rows], next_cursor=next_cursor
    )


@router.post("/jobs/dead/{dead_job_id}/replay", response_model=ReplayOut, status_code=202)
def replay_dead_job(dead_job_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> ReplayOut:
    """Run a dead job again, with its retries renewed."""
    job = dead_letters.replay(session, dead_job_id, workspace_id=workspace.id)
    return ReplayOut(dead_job_id=dead_job_id, job_id=job.id)
