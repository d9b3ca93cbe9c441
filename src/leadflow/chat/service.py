"""The web chat: a visitor of the business's site introduces themselves (a name, an email or a
phone, so the lead can be reached later), then writes; the agent answers in the same
conversation, which the visitor's page follows live. The visitor holds a token naming their
conversation, signed with the application's secret."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.conversations.service import Inbound, take_message
from leadflow.exceptions import NotFound, UnprocessableInput
from leadflow.identity.drafts import draft_from_fields
from leadflow.identity.service import intake
from leadflow.leads.service import announce_arrivals
from leadflow.models import Conversation, Lead, Message, Workspace

CHANNEL = "chat"


def start(
    session: Session, workspace: Workspace, *, name: str, email: str | None, phone: str | None
) -> str:
    """The visitor's lead and chat conversation; returns the visitor's token for it."""
    if not (email or phone):
        raise UnprocessableInput("leave an email address or a phone number to chat")
    fields: dict[str, str | None] = {
        "full_name": name, "email": email, "phone": phone, "source": "web chat",
    }  # fmt: skip
    draft = draft_from_fields(fields, region=workspace.default_region)
    outcomes = intake(session, workspace.id, [draft], via="web chat", actor="web chat")
    announce_arrivals(session, workspace.id, outcomes, via="web chat")
    lead = session.get(Lead, outcomes[0].lead_id)
    assert lead is not None
    conversation = _conversation(session, lead)
    return visitor_token(conversation.id)


def write(session: Session, workspace: Workspace, token: str, body: str) -> Message:
    conversation = conversation_of(session, workspace, token)
    lead = session.get(Lead, conversation.lead_id)
    assert lead is not None
    inbound = Inbound(channel=CHANNEL, sender=CHANNEL, body=body, provider="chat")
    return take_message(session, workspace, lead, inbound)


def conversation_of(session: Session, workspace: Workspace, token: str) -> Conversation:
    conversation_id = _checked(token)
    conversation = session.get(Conversation, conversation_id) if conversation_id else None
    if conversation is None or conversation.workspace_id != workspace.id:
        raise NotFound("this chat is not known here: start a new one")
    return conversation


def visitor_token(conversation_id: int) -> str:
    return f"{conversation_id}.{_mac(conversation_id)}"


def _checked(token: str) -> int | None:
    number, _, mac = token.partition(".")
    if not number.isdigit() or len(number) > 18:
        return None
    return int(number) if hmac.compare_digest(_mac(int(number)), mac) else None


def _mac(conversation_id: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"chat:{conversation_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _conversation(session: Session, lead: Lead) -> Conversation:
    from leadflow.conversations import repository

    conversation = repository.conversation_on(session, lead.id, CHANNEL)
    if conversation is None:
        conversation = Conversation(
            workspace_id=lead.workspace_id, lead_id=lead.id, channel=CHANNEL, address=CHANNEL,
            handled_by="agent",
        )  # fmt: skip
        session.add(conversation)
        session.flush()
    return conversation
