"""Settings → Sales stages: rename, add, reorder or take away the stages a deal goes through,
with the same service as the API's and the CLI's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from leadflow.dashboard.board import stage_name
from leadflow.dashboard.pages import Viewer, ViewerDep, redirect, render
from leadflow.dependencies import SessionDep
from leadflow.exceptions import LeadflowError
from leadflow.sales import service as sales
from leadflow.sales.service import REQUIRED, StageEdit

router = APIRouter(prefix="/settings/stages")
NEW_ROWS = 2  # blank rows to add stages with


@router.get("")
def stages(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    """The workspace's sales stages, each with its leads, to edit."""
    return _page(request, viewer, session, rows=_rows(viewer))


@router.post("")
async def change_stages(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    """Saves the stages as the form orders them; the refusal is shown on the page."""
    form = await request.form()
    rows = _typed_rows(form)
    kept = sorted((row for row in rows if row["kept"]), key=lambda row: row["order"])
    edits = [StageEdit(name=row["name"] or None, key=row["key"] or None) for row in kept]
    try:
        sales.set_stages(session, workspace=viewer.workspace, edits=edits)
    except LeadflowError as refused:
        session.rollback()
        return _page(request, viewer, session, rows=rows, error=refused.message,
                     status_code=refused.status)  # fmt: skip
    return redirect("/settings/stages", request)


def _page(
    request: Request, viewer: Viewer, session: SessionDep, *, rows: list[dict[str, Any]],
    error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    return render(
        request, viewer, "settings/stages.html", status_code=status_code, rows=rows,
        counts=sales.lead_counts(session, viewer.workspace), error=error,
    )  # fmt: skip


def _rows(viewer: Viewer) -> list[dict[str, Any]]:
    shown = [
        {"key": stage.key, "name": stage.name or "", "order": number, "kept": True,
         "built_in": stage_name(stage, viewer.language) if stage.role else "",
         "required": stage.role in REQUIRED}
        for number, stage in enumerate(sales.stages_of(viewer.workspace), start=1)
    ]  # fmt: skip
    blank = {"key": "", "name": "", "kept": True, "built_in": "", "required": False}
    return shown + [{**blank, "order": len(shown) + n} for n in range(1, NEW_ROWS + 1)]


def _typed_rows(form: FormData) -> list[dict[str, Any]]:
    """The rows as typed: a blank new row is no stage; a row unticked is taken away."""
    keys, names, orders = (form.getlist(field) for field in ("key", "name", "order"))
    removed = set(form.getlist("remove"))
    rows = []
    for index, (key, name, order) in enumerate(zip(keys, names, orders, strict=False)):
        key, name = str(key)[:40], " ".join(str(name).split())[:200]
        kept = bool(key or name) and key not in removed
        rows.append({"key": key, "name": name, "order": _order(str(order), index),
                     "kept": kept, "built_in": "", "required": False})  # fmt: skip
    return rows


def _order(text: str, fallback: int) -> float:
    # an order left empty or mistyped keeps the row's place; a tie keeps the form's order
    return (int(text) if text.isdigit() and len(text) < 4 else fallback + 1) + fallback / 1000
