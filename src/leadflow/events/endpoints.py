from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.events import repository
from leadflow.events.schemas import EventOut, EventPage
from leadflow.events.stream import event_stream, starting_point
from leadflow.kit.schemas import MAX_ID

router = APIRouter(tags=["events"])


@router.get("/events", response_model=EventPage)
def list_events(
    session: SessionDep,
    workspace: WorkspaceDep,
    after: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_ID,
            description="return events after this id: 0 (or none) for the log from its start, "
            "then each page's last_id",
        ),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EventPage:
    """The workspace's event log, oldest first, after an event id."""
    rows = repository.events_after(session, workspace.id, after, limit=limit)
    items = [EventOut.model_validate(row) for row in rows]
    return EventPage(items=items, last_id=items[-1].id if items else after)


@router.get(
    "/events/stream",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "server-sent events"}},
)
async def stream_events(
    workspace: WorkspaceDep,
    last_event_id: Annotated[str | None, Header(max_length=40)] = None,
) -> EventSourceResponse:
    """Live events as server-sent events; reconnect with Last-Event-ID to resume."""
    after_id = await starting_point(workspace.id, last_event_id)
    return EventSourceResponse(event_stream(workspace.id, after_id), ping=None)
