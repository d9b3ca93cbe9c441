from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from leadflow.analytics import service as analytics
from leadflow.conversations import repository, service
from leadflow.conversations.repository import InboxFilter
from leadflow.conversations.schemas import (
    ConversationOut,
    InboxItemOut,
    MessageOut,
    ReplyIn,
    SpeedToLeadOut,
)
from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.exceptions import NotFound
from leadflow.kit.pagination import CursorQuery, Page, PageLimit
from leadflow.kit.schemas import IdPath, IdQuery
from leadflow.leads.naming import display_name
from leadflow.leads.service import get_lead
from leadflow.models import Channel, Conversation, HandledBy

router = APIRouter(tags=["conversations"])


@router.get("/leads/{lead_id}/conversations", response_model=list[ConversationOut])
def list_conversations(
    lead_id: IdPath, session: SessionDep, workspace: WorkspaceDep
) -> list[ConversationOut]:
    """The lead's conversations, one per channel."""
    get_lead(session, workspace_id=workspace.id, lead_id=lead_id)
    rows = repository.conversations_of(session, workspace.id, lead_id)
    return [ConversationOut.model_validate(c) for c in rows]


@router.get("/conversations", response_model=Page[InboxItemOut])
def list_inbox(
    session: SessionDep,
    workspace: WorkspaceDep,
    needs_person: bool | None = None,
    handled_by: HandledBy | None = None,
    channel: Channel | None = None,
    limit: PageLimit = 50,
    cursor: CursorQuery = None,
) -> Page[InboxItemOut]:
    """The workspace's conversations, filtered; with needs_person=true, oldest waiting first."""
    chosen = InboxFilter(
        needs_person=needs_person, handled_by=handled_by or "", channel=channel or ""
    )
    entries, next_cursor = service.inbox(
        session, workspace_id=workspace.id, chosen=chosen, cursor=cursor, limit=limit
    )
    items = [
        InboxItemOut(
            conversation=ConversationOut.model_validate(entry.conversation),
            lead_id=entry.lead.id, lead_name=display_name(entry.lead),
            last_message=entry.last_text, needs_person=entry.needs_person,
            waiting_since=entry.waiting_since, handoff_reason=entry.handoff_reason,
        )
        for entry in entries
    ]  # fmt: skip
    return Page[InboxItemOut](items=items, next_cursor=next_cursor)


@router.get("/conversations/{conversation_id}/messages", response_model=list[MessageOut])
def list_messages(
    conversation_id: IdPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    after_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[MessageOut]:
    """Every message in and out, oldest first, with the agent's decisions and citations."""
    conversation = _conversation(session, workspace.id, conversation_id)
    rows = repository.messages(
        session, workspace.id, conversation.id, after_id=after_id or 0, limit=limit
    )
    return [MessageOut.model_validate(m) for m in rows]


@router.post("/conversations/{conversation_id}/takeover", response_model=ConversationOut)
def take_over(
    conversation_id: IdPath, session: SessionDep, workspace: WorkspaceDep
) -> ConversationOut:
    """A person answers from now on: the agent stays quiet until released."""
    conversation = _conversation(session, workspace.id, conversation_id)
    service.take_over(session, conversation, None)
    return ConversationOut.model_validate(conversation)


@router.post("/conversations/{conversation_id}/release", response_model=ConversationOut)
def release(
    conversation_id: IdPath, session: SessionDep, workspace: WorkspaceDep
) -> ConversationOut:
    """The agent answers again."""
    conversation = _conversation(session, workspace.id, conversation_id)
    service.release(session, conversation)
    return ConversationOut.model_validate(conversation)


@router.post(
    "/conversations/{conversation_id}/messages", response_model=MessageOut, status_code=202
)
def reply(
    conversation_id: IdPath, payload: ReplyIn, session: SessionDep, workspace: WorkspaceDep
) -> MessageOut:
    """Reply as a person; the message is handed to the conversation's channel."""
    conversation = _conversation(session, workspace.id, conversation_id)
    message = service.reply_as_person(session, conversation, payload.body, user_id=None)
    return MessageOut.model_validate(message)


@router.get("/analytics/speed-to-lead", response_model=SpeedToLeadOut)
def speed_to_lead(session: SessionDep, workspace: WorkspaceDep) -> SpeedToLeadOut:
    """Time from each lead's first message to the first answer handed to a channel."""
    return SpeedToLeadOut.model_validate(asdict(analytics.speed_to_lead(session, workspace.id)))


def _conversation(session: SessionDep, workspace_id: int, conversation_id: int) -> Conversation:
    conversation = repository.conversation(session, workspace_id, conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} not found")
    return conversation
