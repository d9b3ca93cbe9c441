"""The board: a column per pipeline stage, a card per lead."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from leadflow.dashboard.pages import ViewerDep, render
from leadflow.dependencies import SessionDep
from leadflow.leads.repository import LeadFilters, list_leads
from leadflow.models import Lead, LeadStage
from leadflow.pipeline.stages import ORDER

router = APIRouter()
COLUMNS = (*ORDER, LeadStage.failed)
CARDS_PER_COLUMN = 50


@router.get("/board")
def board(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    columns = {stage: _cards(session, viewer.workspace.id, stage) for stage in COLUMNS}
    return render(request, viewer, "board/index.html", columns=columns)


def _cards(session: SessionDep, workspace_id: int, stage: LeadStage) -> list[Lead]:
    leads, _ = list_leads(
        session, workspace_id, LeadFilters(stage=stage), sort="-updated_at",
        limit=CARDS_PER_COLUMN, cursor=None,
    )  # fmt: skip
    return leads
