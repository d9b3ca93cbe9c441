"""The first run: a checklist of five steps, ticked from what the workspace has done, shown
at the top of the board until the person puts it away, and in full at /welcome with the web
chat's script tag to copy."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from leadflow.dashboard.pages import Viewer, ViewerDep, redirect, render
from leadflow.dependencies import SessionDep
from leadflow.kit.site import public_base
from leadflow.workspaces.checklist import Checklist, checklist, dismiss, widget_snippet

router = APIRouter(prefix="/welcome")


@router.get("")
def welcome(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    """The checklist in full, with the chat's script tag and how to add a teammate."""
    return render(
        request, viewer, "welcome/index.html", checklist=_checklist(session, viewer),
        snippet=widget_snippet(viewer.workspace, base_url=public_base(request)),
    )  # fmt: skip


@router.get("/panel")
def panel(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    """The checklist for the top of the board; nothing once put away or all done."""
    steps = _checklist(session, viewer)
    if steps.dismissed or steps.complete:
        return Response(status_code=200)
    return render(request, viewer, "welcome/panel.html", checklist=steps)


@router.post("/dismiss")
def put_away(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    """The person no longer sees the checklist on the board."""
    dismiss(session, workspace=viewer.workspace, user_id=viewer.user.id)
    if request.headers.get("hx-request"):
        return Response(status_code=200)
    return redirect("/board", request)


def _checklist(session: Session, viewer: Viewer) -> Checklist:
    return checklist(session, viewer.workspace, user_id=viewer.user.id)
