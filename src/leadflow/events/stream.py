"""Server-sent events: a workspace's event log, live, resumable with Last-Event-ID."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import structlog
from starlette.concurrency import run_in_threadpool

from leadflow.db import database_unavailable, get_sessionmaker
from leadflow.events import repository
from leadflow.events.bell import get_bell
from leadflow.events.schemas import EventOut

# Streams poll this often as well as waiting for the bell: events committed by a process that
# cannot ring this one (a standalone worker without Redis) still arrive within it.
POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
# While the database is away, an open stream waits and tries again this often, with a keep-alive
# each time, rather than ending: a client that reconnected would only be refused (503) meanwhile.
UNAVAILABLE_RETRY_SECONDS = 2.0

log = structlog.get_logger()


def _read_after(workspace_id: int, after_id: int) -> list[EventOut]:
    with get_sessionmaker(writes=False)() as session:
        rows = repository.events_after(session, workspace_id, after_id)
        return [EventOut.model_validate(row) for row in rows]


def _latest(workspace_id: int) -> int:
    with get_sessionmaker(writes=False)() as session:
        return repository.last_event_id(session, workspace_id)


async def starting_point(workspace_id: int, last_event_id: str | None) -> int:
    """Resume after the id the client saw; a new client starts from now."""
    if last_event_id is not None and last_event_id.strip().isdigit():
        return int(last_event_id.strip())
    return await run_in_threadpool(_latest, workspace_id)


async def _read_when_available(workspace_id: int, after_id: int) -> list[EventOut] | None:
    """The events after ``after_id``; None, after a pause, while the database is away."""
    try:
        return await run_in_threadpool(_read_after, workspace_id, after_id)
    except Exception as error:
        if not database_unavailable(error):
            raise
        log.warning("events.stream_waiting", workspace_id=workspace_id, error=str(error))
        await asyncio.sleep(UNAVAILABLE_RETRY_SECONDS)
        return None


async def event_stream(workspace_id: int, after_id: int) -> AsyncIterator[dict[str, Any]]:
    bell = get_bell()
    quiet = 0.0
    while True:
        waiter = bell.waiter(workspace_id)
        try:
            events = await _read_when_available(workspace_id, after_id)
            if events is None:
                yield {"comment": "keep-alive"}
                continue
            for event in events:
                after_id = event.id
                yield {"id": str(event.id), "event": event.type, "data": event.model_dump_json()}
            if events:
                quiet = 0.0
                continue
            rung = await waiter.wait(POLL_SECONDS)
            quiet = 0.0 if rung else quiet + POLL_SECONDS
            if quiet >= KEEPALIVE_SECONDS:
                quiet = 0.0
                yield {"comment": "keep-alive"}
        finally:
            waiter.close()
