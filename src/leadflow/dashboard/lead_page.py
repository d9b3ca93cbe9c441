"""The lead's page: profile and company, the score with its reasons and history, the timeline,
and the conversation threads with the agent's decisions and the knowledge it cited, where a
person replies, takes a conversation over and hands it back. The threads update live over
server-sent events: the workspace's event stream, filtered to this lead, sends the parts of
the page that changed, already rendered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, Header, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from leadflow.conversations import repository as conversations
from leadflow.conversations import service as conversation_service
from leadflow.conversations.schemas import ReplyIn
from leadflow.dashboard.board import stage_names
from leadflow.dashboard.pages import Viewer, ViewerDep, not_found, redirect, render, templates
from leadflow.db import get_sessionmaker
from leadflow.dependencies import SessionDep
from leadflow.events import repository as events
from leadflow.events.stream import event_stream, starting_point
from leadflow.exceptions import LeadflowError
from leadflow.kit.schemas import MAX_ID
from leadflow.knowledge import repository as knowledge
from leadflow.leads import repository as leads
from leadflow.leads import service as lead_service
from leadflow.leads.qualification import FIELDS, Claim, QualificationSource, winners
from leadflow.models import (
    CallOutcome,
    ConsentStatus,
    Conversation,
    Lead,
    MergeRecord,
    Message,
    User,
)
from leadflow.scoring import repository as scoring
from leadflow.workspaces import repository as workspaces

router = APIRouter()
TIMELINE_PAGE = 20
THREAD_MESSAGES = 500
SNIPPET_CHARS = 280
# Events that change what a thread shows, and the one that changes the score.
THREAD_EVENTS = ("message.", "conversation.", "agent.")
SCORE_EVENT = "lead.score_changed"
Cursor = Annotated[str | None, Query(max_length=500)]


@dataclass(frozen=True)
class Citation:
    """A passage the agent answered from: where it came from and what it says (None when the
    passage has since left the knowledge base)."""

    source: str
    passage: str | None
    similarity: float | None


@dataclass
class Thread:
    """One conversation with its messages, the knowledge each cited, and who wrote them."""

    conversation: Conversation
    messages: Sequence[Message]
    citations: dict[int, list[Citation]] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QualificationRow:
    """A field of the lead's qualification as its page shows it: the value that stands, the
    claim it stands on, and the person's own word on it (the form's value)."""

    field: str
    value: Any
    claim: Claim | None
    mine: Any


# Pages


@router.get("/leads/{lead_id}")
def lead_page(lead_id: str, request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    """Everything about one lead of the viewer's workspace."""
    lead = find_lead(session, viewer, lead_id)
    if lead is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    return show_page(request, viewer, session, lead)


@router.get("/leads/{lead_id}/timeline")
def lead_timeline(
    lead_id: str, request: Request, viewer: ViewerDep, session: SessionDep, cursor: Cursor = None
) -> Response:
    """A further page of the timeline, for the "more" button."""
    lead = find_lead(session, viewer, lead_id)
    if lead is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    try:
        context = _timeline(session, lead, cursor)
    except LeadflowError:
        return render(request, viewer, "lead/problem.html", 400, problem="lead.bad_cursor")
    return render(request, viewer, "lead/timeline.html", lead=lead, **context)


def show_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    lead: Lead,
    *,
    status_code: int = 200,
    notice: str | None = None,
    draft: tuple[int, str, str] | None = None,
) -> Response:
    # Read before the rest: whatever the page shows, the stream then only adds to.
    drawn_at = events.last_event_id(session, lead.workspace_id)
    owner = session.get(User, lead.owner_id) if lead.owner_id else None
    return render(
        request, viewer, "lead/page.html", status_code,
        lead=lead, owner=owner, history=scoring.score_history(session, lead.workspace_id, lead.id),
        qualification=qualification_rows(lead), consents=list(ConsentStatus),
        threads=_threads(session, lead), notice=notice, draft=draft,
        drawn_at=drawn_at, members=workspaces.members(session, lead.workspace_id),
        outcomes=list(CallOutcome),
        sales_stages=stage_names(viewer.workspace, viewer.language),
        **_timeline(session, lead, None),
    )  # fmt: skip


def qualification_rows(lead: Lead) -> list[QualificationRow]:
    claims = lead.qualification_claims or {}
    standing = winners(claims)
    mine = claims.get(QualificationSource.person, {})
    merged = lead.qualification or {}
    return [
        QualificationRow(field, merged.get(field), standing.get(field), _value(mine.get(field)))
        for field in FIELDS
    ]


def _value(said: Any) -> Any:
    return said.get("value") if isinstance(said, dict) else None


def row_id(text: str) -> int | None:
    """The id a path names, or None for anything that names no row (a word, zero, too big)."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def find_lead(session: Session, viewer: Viewer, lead_id: str) -> Lead | None:
    number = row_id(lead_id)
    return leads.get_lead(session, viewer.workspace.id, number) if number else None


def _timeline(session: Session, lead: Lead, cursor: str | None) -> dict[str, Any]:
    entries, next_cursor = lead_service.timeline(
        session, workspace_id=lead.workspace_id, lead_id=lead.id, limit=TIMELINE_PAGE,
        cursor=cursor,
    )  # fmt: skip
    merges = {m.id: m for m in leads.merges_into(session, lead.workspace_id, lead.id)}
    return {"entries": entries, "next_cursor": next_cursor, "merges": merges}


# Threads


def _threads(session: Session, lead: Lead) -> list[Thread]:
    threads = [
        Thread(c, conversations.messages(session, lead.workspace_id, c.id, limit=THREAD_MESSAGES))
        for c in conversations.conversations_of(session, lead.workspace_id, lead.id)
    ]
    messages = [m for thread in threads for m in thread.messages]
    citations = _citations(session, lead.workspace_id, messages)
    people = _people(session, messages)
    for thread in threads:
        thread.citations, thread.people = citations, people
    return threads


def _citations(
    session: Session, workspace_id: int, messages: Sequence[Message]
) -> dict[int, list[Citation]]:
    """Each message's cited passages, read from the knowledge base in one query."""
    cited = {m.id: [c for c in m.citations or [] if isinstance(c, dict)] for m in messages}
    ids = {int(c["chunk_id"]) for cs in cited.values() for c in cs if c.get("chunk_id")}
    passages = {row.id: row.text for row in knowledge.chunks(session, workspace_id, list(ids))}
    return {
        message_id: [
            Citation(
                source=str(c.get("source") or ""),
                passage=passages.get(int(c.get("chunk_id") or 0)),
                similarity=c.get("similarity"),
            )
            for c in cs
        ]
        for message_id, cs in cited.items()
        if cs
    }


def _people(session: Session, messages: Sequence[Message]) -> dict[int, str]:
    ids = {m.author_user_id for m in messages if m.author_user_id is not None}
    return {user.id: user.name or user.email for user in workspaces.users(session, ids)}


# Changes


@router.post("/leads/{lead_id}/conversations/{conversation_id}/takeover")
def take_over(
    lead_id: str, conversation_id: str, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    """The person answers from now on; the agent stays quiet until released."""
    found = _lead_and_conversation(session, viewer, lead_id, conversation_id)
    if found is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    lead, conversation = found
    if conversation.handled_by != "person" or conversation_service.is_handed_off(conversation):
        conversation_service.take_over(session, conversation, viewer.user.id)
    return _after_change(request, viewer, session, lead, conversation)


@router.post("/leads/{lead_id}/conversations/{conversation_id}/release")
def release(
    lead_id: str, conversation_id: str, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    """The agent answers again."""
    found = _lead_and_conversation(session, viewer, lead_id, conversation_id)
    if found is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    lead, conversation = found
    if conversation.handled_by != "agent":
        conversation_service.release(session, conversation)
    return _after_change(request, viewer, session, lead, conversation)


@router.post("/leads/{lead_id}/conversations/{conversation_id}/reply")
def reply(
    lead_id: str,
    conversation_id: str,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    body: Annotated[str, Form()] = "",
) -> Response:
    """Sends the person's reply through the conversation's channel; a refusal is shown."""
    found = _lead_and_conversation(session, viewer, lead_id, conversation_id)
    if found is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    lead, conversation = found
    try:
        text = ReplyIn(body=body.strip()).body
        conversation_service.reply_as_person(session, conversation, text, user_id=viewer.user.id)
    except ValidationError:
        return _refused_reply(request, viewer, session, lead, conversation, body, 422,
                              viewer.t("lead.reply_invalid"))  # fmt: skip
    except LeadflowError as refusal:
        return _refused_reply(request, viewer, session, lead, conversation, body,
                              refusal.status, _in_words(viewer, refusal))  # fmt: skip
    if not request.headers.get("hx-request"):
        return redirect(f"/leads/{lead.id}#conversation-{conversation.id}", request)
    session.flush()
    thread = _thread_of(session, lead, conversation)
    return render(request, viewer, "lead/replied.html", lead=lead, thread=thread)


@router.post("/leads/{lead_id}/merges/{merge_id}/undo")
def undo_merge(
    lead_id: str, merge_id: str, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    """Splits a merged arrival back out as its own lead."""
    lead = find_lead(session, viewer, lead_id)
    merge = _merge_of(session, lead, merge_id) if lead else None
    if lead is None or merge is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    try:
        lead_service.undo_merge(
            session, workspace_id=lead.workspace_id, merge_id=merge.id, actor=actor_of(viewer)
        )
    except LeadflowError as refusal:
        return show_page(request, viewer, session, lead, status_code=refusal.status,
                     notice=refusal.message)  # fmt: skip
    return redirect(f"/leads/{lead.id}", request)


def _lead_and_conversation(
    session: Session, viewer: Viewer, lead_id: str, conversation_id: str
) -> tuple[Lead, Conversation] | None:
    lead = find_lead(session, viewer, lead_id)
    number = row_id(conversation_id)
    conversation = (
        conversations.conversation(session, viewer.workspace.id, number) if number else None
    )
    if lead is None or conversation is None or conversation.lead_id != lead.id:
        return None
    return lead, conversation


def _merge_of(session: Session, lead: Lead, merge_id: str) -> MergeRecord | None:
    merges = leads.merges_into(session, lead.workspace_id, lead.id)
    return next((m for m in merges if m.id == row_id(merge_id)), None)


def actor_of(viewer: Viewer) -> str:
    return f"person:{viewer.user.email}"[:100]


def _thread_of(session: Session, lead: Lead, conversation: Conversation) -> Thread:
    return next(t for t in _threads(session, lead) if t.conversation.id == conversation.id)


def _after_change(
    request: Request, viewer: Viewer, session: Session, lead: Lead, conversation: Conversation
) -> Response:
    if not request.headers.get("hx-request"):
        return redirect(f"/leads/{lead.id}#conversation-{conversation.id}", request)
    session.flush()
    thread = _thread_of(session, lead, conversation)
    return render(request, viewer, "lead/control.html", lead=lead, thread=thread)


def _in_words(viewer: Viewer, refusal: LeadflowError) -> str:
    """Why a reply was refused, in the viewer's language when the send policy refused it."""
    policy_refusal = refusal.extra.get("refusal")
    return viewer.t(f"lead.refusal.{policy_refusal}") if policy_refusal else refusal.message


def _refused_reply(
    request: Request,
    viewer: Viewer,
    session: Session,
    lead: Lead,
    conversation: Conversation,
    body: str,
    status_code: int,
    problem: str,
) -> Response:
    """The reply box again, with what was typed and why it was not sent."""
    if not request.headers.get("hx-request"):
        return show_page(request, viewer, session, lead, status_code=status_code,
                     draft=(conversation.id, body, problem))  # fmt: skip
    thread = _thread_of(session, lead, conversation)
    return render(request, viewer, "lead/reply.html", status_code, lead=lead, thread=thread,
                  body=body, problem=problem)  # fmt: skip


# Live


@router.get("/leads/{lead_id}/stream")
async def lead_stream(
    lead_id: str,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    shown: Annotated[str, Query(max_length=2000, pattern=r"^[0-9,]*$")] = "",
    last_event_id: Annotated[str | None, Header(max_length=40)] = None,
) -> Response:
    """The lead's threads (and score) re-rendered as server-sent events whenever they change:
    from the event the page was drawn at (``after``), with the conversations it showed."""
    found = await run_in_threadpool(find_lead, session, viewer, lead_id)
    if found is None:
        return not_found(request, viewer, viewer.t("lead.not_found"))
    if last_event_id is None and after is not None:
        last_event_id = str(after)
    after_id = await starting_point(viewer.workspace.id, last_event_id)
    on_page = {int(n) for n in shown.split(",") if n}
    return EventSourceResponse(lead_events(viewer, found.id, after_id, on_page), ping=None)


async def lead_events(
    viewer: Viewer, lead_id: int, after_id: int, on_page: set[int]
) -> AsyncIterator[dict[str, Any]]:
    """The workspace's events after ``after_id`` that concern the lead, each as the parts of
    the page it changes (swapped in out of band), under the SSE event name "lead". A
    conversation the page does not show yet is added to it whole."""
    async for event in event_stream(viewer.workspace.id, after_id):
        if "comment" in event:
            yield event
            continue
        kind = event["event"]
        if json.loads(event["data"]).get("lead_id") != lead_id or not _shown(kind):
            continue
        parts = await run_in_threadpool(
            _live_parts, viewer, lead_id, on_page, with_score=kind == SCORE_EVENT
        )
        if parts is not None:
            yield {"id": event["id"], "event": "lead", "data": parts}


def _shown(kind: str) -> bool:
    return kind == SCORE_EVENT or kind.startswith(THREAD_EVENTS)


def _live_parts(viewer: Viewer, lead_id: int, on_page: set[int], *, with_score: bool) -> str | None:
    """The parts of the page to swap; ``on_page`` learns of the conversations added."""
    with get_sessionmaker(writes=False)() as session:
        lead = leads.get_lead(session, viewer.workspace.id, lead_id)
        if lead is None:
            return None
        threads = _threads(session, lead)
        history = scoring.score_history(session, lead.workspace_id, lead.id) if with_score else []
        html = templates.get_template("lead/live.html").render(
            viewer=viewer, t=viewer.t, language=viewer.language, direction=viewer.direction,
            zone=viewer.workspace.time_zone, lead=lead, threads=threads, on_page=set(on_page),
            with_score=with_score, history=history,
        )  # fmt: skip
        on_page.update(thread.conversation.id for thread in threads)
        return html
