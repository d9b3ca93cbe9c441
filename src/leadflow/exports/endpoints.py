from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from leadflow.db import unit_of_work
from leadflow.dependencies import WorkspaceDep
from leadflow.exports import service

router = APIRouter(tags=["export"])


def _stream(workspace_id: int) -> Iterator[str]:
    with unit_of_work(writes=False) as session:  # the response outlives the request's own session
        yield from service.csv_chunks(session, workspace_id)


@router.get(
    "/exports/leads.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "Every lead, as CSV"}},
)
def export_leads(workspace: WorkspaceDep) -> StreamingResponse:
    """Every lead of the workspace as CSV; cells a spreadsheet would run as formulas are defused."""
    return StreamingResponse(
        _stream(workspace.id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{workspace.slug}-leads.csv"'},
    )
