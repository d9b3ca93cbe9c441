from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.events import repository
from leadflow.events.schemas import EventOut
from leadflow.events.stream import event_stream, starting_point
from leadflow.kit.pagination import CursorQuery, Page, PageLimit
from leadflow.kit.schemas import MAX_ID

router = APIRouter(tags=["events"])


@router.get("/events", response_model=Page[EventOut])
def list_events(
    session: SessionDep,
    workspace: WorkspaceDep,
    after: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_ID,
            description="only events after this id (the stream's Last-Event-ID, or the last "
            "item read): 0 (or none) for the log from its start",
        ),
    ] = 0,
    limit: PageLimit = 100,
    cursor: CursorQuery = None,
) -> Page[EventOut]:
    """The workspace's event log, oldest first, a page at a time (pass next_cursor back); on
    the last page, poll again later with after set to its last item's id."""
    rows, next_cursor = repository.events_page(
        session, workspace.id, after_id=after, limit=limit, cursor=cursor
    )
    return Page[EventOut](
        items=[EventOut.model_validate(row) for row in rows], next_cursor=next_cursor
    )


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
