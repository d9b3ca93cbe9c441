"""The outbox: every message leadflow has handed to a channel or kept locally, newest first."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from leadflow.conversations import repository
from leadflow.dashboard.pages import ViewerDep, render
from leadflow.dependencies import SessionDep
from leadflow.models import Channel

router = APIRouter()
PAGE_SIZE = 50
Filter = Annotated[str, Query(max_length=200, pattern=r"^[^\x00]*$")]


@router.get("/outbox")
def outbox(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    q: Filter = "",
    channel: Filter = "",
    status: Filter = "",
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    with suppress(ValueError):
        channel = Channel.parse(channel)  # "web", the web chat's older name, is "chat"
    rows = repository.outbox(
        session, viewer.workspace.id, text=q.strip(), channel=channel, status=status,
        before_id=before, limit=PAGE_SIZE + 1,
    )  # fmt: skip
    more = rows[PAGE_SIZE - 1][0].id if len(rows) > PAGE_SIZE else None
    context: dict[str, Any] = {
        "rows": rows[:PAGE_SIZE],
        "more": more,
        "filters": {"q": q, "channel": channel, "status": status},
    }
    if before is not None:
        return render(request, viewer, "outbox/rows.html", **context)
    channels, statuses = repository.outbox_choices(session, viewer.workspace.id)
    return render(
        request, viewer, "outbox/index.html", channels=channels, statuses=statuses, **context
    )
