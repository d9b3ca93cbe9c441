"""The web chat's public routes (named by the workspace's unguessable form token, no API key)
and its script. Other sites' pages call them: the application's CORS policy lets them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse

from leadflow.chat import service
from leadflow.chat.schemas import (
    VISITOR,
    ChatIn,
    ChatLookOut,
    ChatMessageOut,
    StartIn,
    StartOut,
)
from leadflow.conversations import repository as conversations
from leadflow.db import unit_of_work
from leadflow.intake import service as intake
from leadflow.kit.client_address import client_address
from leadflow.models import MessageStatus
from leadflow.problems import RATE_LIMITED
from leadflow.workspaces.widget import widget_look

router = APIRouter(prefix="/chat/{form_token}", tags=["web chat"])
script_router = APIRouter(tags=["web chat"])
WIDGET = (FilePath(__file__).parent / "static" / "widget.js").read_text(encoding="utf-8")
POLL_SECONDS = 0.5
STREAM_SECONDS = 15 * 60  # the browser reconnects by itself after


@script_router.get("/chat/{form_token}/widget.js", include_in_schema=False)
def widget(form_token: str) -> Response:
    """The chat's script, for one script tag on the business's site."""
    return Response(WIDGET, media_type="text/javascript", headers={"cache-control": "max-age=300"})


@router.get("/look", response_model=ChatLookOut)
def look(form_token: str, response: Response) -> ChatLookOut:
    """Public: the chat's brand colour and language, as the workspace chose them."""
    with unit_of_work(writes=False) as session:
        chosen = widget_look(intake.form_workspace(session, form_token))
    response.headers["cache-control"] = "max-age=300"
    return ChatLookOut(colour=chosen.colour, language=chosen.language)


@router.post("/start", response_model=StartOut, responses=RATE_LIMITED)
def start(form_token: str, payload: StartIn, request: Request) -> StartOut:
    """Public: a visitor introduces themselves; the answer names their conversation."""
    _limit(form_token, request)
    with unit_of_work() as session:
        workspace = intake.form_workspace(session, form_token)
        visitor = service.start(
            session, workspace, name=payload.name, email=payload.email, phone=payload.phone
        )
    return StartOut(visitor=visitor)


@router.post("/messages", response_model=ChatMessageOut, responses=RATE_LIMITED)
def write(form_token: str, payload: ChatIn, request: Request) -> ChatMessageOut:
    """Public: the visitor writes; the agent's answer arrives on the stream."""
    _limit(form_token, request)
    with unit_of_work() as session:
        workspace = intake.form_workspace(session, form_token)
        message = service.write(session, workspace, payload.visitor, payload.body)
        return ChatMessageOut.model_validate(message)


@router.get("/stream", response_class=EventSourceResponse)
async def stream(
    form_token: str, visitor: Annotated[str, Query(pattern=VISITOR)]
) -> EventSourceResponse:
    """Public: the conversation's messages as server-sent events, from the first."""
    conversation_id = await run_in_threadpool(_conversation_id, form_token, visitor)
    return EventSourceResponse(_messages(conversation_id), ping=15)


def _conversation_id(form_token: str, visitor: str) -> tuple[int, int]:
    with unit_of_work(writes=False) as session:
        workspace = intake.form_workspace(session, form_token)
        return workspace.id, service.conversation_of(session, workspace, visitor).id


async def _messages(conversation: tuple[int, int]) -> AsyncIterator[dict[str, str]]:
    workspace_id, conversation_id = conversation
    after, waited = 0, 0.0
    while waited < STREAM_SECONDS:
        for message in await run_in_threadpool(_after, workspace_id, conversation_id, after):
            after = message.id
            yield {"event": "message", "id": str(message.id), "data": json.dumps(
                message.model_dump(), ensure_ascii=False)}  # fmt: skip
        await asyncio.sleep(POLL_SECONDS)
        waited += POLL_SECONDS


def _after(workspace_id: int, conversation_id: int, after: int) -> list[ChatMessageOut]:
    with unit_of_work(writes=False) as session:
        rows = conversations.messages(session, workspace_id, conversation_id, after_id=after)
        unsent = (MessageStatus.queued, MessageStatus.suppressed)
        return [ChatMessageOut.model_validate(m) for m in rows if m.status not in unsent]


def _limit(form_token: str, request: Request) -> None:
    service.check_rate(form_token, client_address(request))
