"""The conversations inbox: who is waiting on a person (the agent handed them off, or their
message is going unanswered), oldest waiting first; all conversations; and the viewer's own.
The list refreshes itself every few seconds."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from leadflow.conversations import repository
from leadflow.conversations import service as conversations
from leadflow.conversations.repository import InboxFilter
from leadflow.dashboard.lead_page import row_id
from leadflow.dashboard.pages import Viewer, ViewerDep, not_found, redirect, render
from leadflow.dependencies import SessionDep
from leadflow.exceptions import LeadflowError

router = APIRouter()
PAGE_SIZE = 50
Tab = Literal["needs", "all", "mine"]
Cursor = Annotated[str | None, Query(max_length=500, pattern=r"^[A-Za-z0-9_-]*$")]
# The rules engine's reasons for a hand-off, by the key that says them in the viewer's language.
REASONS = {
    "asked for a person": "conversations.reason.asked_person",
    "no confident answer in the knowledge base": "conversations.reason.no_answer",
    "nothing left to ask": "conversations.reason.nothing_to_ask",
}


def _chosen(tab: Tab, viewer: Viewer) -> InboxFilter:
    if tab == "needs":
        return InboxFilter(needs_person=True)
    return InboxFilter(mine=viewer.user.id if tab == "mine" else None)


@router.get("/conversations")
def inbox(request: Request, viewer: ViewerDep, session: SessionDep, tab: Tab = "needs") -> Response:
    """The conversations inbox, on the tab asked for (those needing a person by default)."""
    return _rows(request, viewer, session, tab, None, "conversations/index.html")


@router.get("/conversations/rows")
def inbox_rows(
    request: Request, viewer: ViewerDep, session: SessionDep, tab: Tab = "needs",
    cursor: Cursor = None,
) -> Response:  # fmt: skip
    """The tab's rows alone: the list refreshing itself, or its next page."""
    return _rows(request, viewer, session, tab, cursor, "conversations/rows.html")


def _rows(
    request: Request, viewer: Viewer, session: SessionDep, tab: Tab, cursor: str | None,
    template: str,
) -> Response:  # fmt: skip
    try:
        entries, next_cursor = conversations.inbox(
            session, workspace_id=viewer.workspace.id, chosen=_chosen(tab, viewer),
            cursor=cursor or None, limit=PAGE_SIZE,
        )  # fmt: skip
    except LeadflowError:
        return render(request, viewer, "lead/problem.html", 400, problem="lead.bad_cursor")
    return render(
        request, viewer, template, tab=tab, entries=entries, next_cursor=next_cursor,
        paged=cursor is not None, reasons=REASONS,
    )  # fmt: skip


@router.post("/conversations/{conversation_id}/takeover")
def take_over(
    conversation_id: str, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    """The viewer takes the conversation: the agent stays quiet, and it leaves the waiting list
    once answered."""
    number = row_id(conversation_id)
    conversation = repository.conversation(session, viewer.workspace.id, number) if number else None
    if conversation is None:
        return not_found(request, viewer, viewer.t("conversations.not_found"))
    if conversation.handled_by != "person" or conversations.is_handed_off(conversation):
        conversations.take_over(session, conversation, viewer.user.id)
    return redirect(f"/leads/{conversation.lead_id}#conversation-{conversation.id}", request)
