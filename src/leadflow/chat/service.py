"""The web chat: a visitor of the business's site introduces themselves (a name, an email or a
phone, so the lead can be reached later), then writes; the agent answers in the same
conversation, which the visitor's page follows live.

Each start is a chat session of its own: a new conversation, named by a token signed with the
application's secret key and held only by the browser that started it. Identity resolution
links the session to its lead for the business's people, but a visitor is shown nothing of
the lead's other sessions or channels: anyone can type someone else's email address."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.conversations.service import Inbound, take_message
from leadflow.exceptions import NotFound, UnprocessableInput
from leadflow.identity.drafts import draft_from_fields
from leadflow.identity.service import intake
from leadflow.kit.crypto import sign, signed_by_us
from leadflow.kit.ratelimit import Rate, enforce
from leadflow.leads.service import announce_arrivals
from leadflow.models import Channel, Conversation, HandledBy, Lead, Message, Workspace

CHANNEL = Channel.chat
_PURPOSE = "chat/visitor/v2"


def check_rate(form_token: str, address: str) -> None:
    """Raises TooManyRequests once an address starts chats or writes to a business's chat
    faster than the settings allow."""
    rate = Rate("chat", get_settings().chat_rate_limit_per_minute)
    enforce(rate, form_token, address, message="too many messages from this address; "
            "wait a moment and write again")  # fmt: skip


def start(
    session: Session, workspace: Workspace, *, name: str, email: str | None, phone: str | None
) -> str:
    """A new chat session for the visitor's lead; returns the visitor's token for it."""
    if not (email or phone):
        raise UnprocessableInput("leave an email address or a phone number to chat")
    fields: dict[str, str | None] = {
        "full_name": name, "email": email, "phone": phone, "source": "web chat",
    }  # fmt: skip
    draft = draft_from_fields(fields, region=workspace.default_region)
    outcomes = intake(session, workspace.id, [draft], via="web chat", actor="web chat")
    announce_arrivals(session, workspace.id, outcomes, via="web chat")
    conversation = Conversation(
        workspace_id=workspace.id, lead_id=outcomes[0].lead_id, channel=CHANNEL,
        address=f"{CHANNEL}:{secrets.token_hex(16)}", handled_by=HandledBy.agent,
    )  # fmt: skip
    session.add(conversation)
    session.flush()
    return visitor_token(conversation.id)


def write(session: Session, workspace: Workspace, token: str, body: str) -> Message:
    """The visitor's message, kept in their own session's conversation."""
    conversation = conversation_of(session, workspace, token)
    lead = session.get(Lead, conversation.lead_id)
    assert lead is not None
    inbound = Inbound(channel=CHANNEL, sender=CHANNEL, body=body, provider="chat", verified=False)
    return take_message(session, workspace, lead, inbound, conversation=conversation)


def conversation_of(session: Session, workspace: Workspace, token: str) -> Conversation:
    conversation_id = _checked(token)
    conversation = session.get(Conversation, conversation_id) if conversation_id else None
    if (
        conversation is None
        or conversation.workspace_id != workspace.id
        or conversation.channel != CHANNEL
    ):
        raise NotFound("this chat is not known here: start a new one")
    return conversation


def visitor_token(conversation_id: int) -> str:
    return f"{conversation_id}.{sign(_PURPOSE, str(conversation_id))}"


def _checked(token: str) -> int | None:
    number, _, mac = token.partition(".")
    if not number.isdigit() or len(number) > 18:
        return None
    return int(number) if signed_by_us(_PURPOSE, number, mac) else None
