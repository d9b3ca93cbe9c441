"""A message's direction, author and status, a conversation's channel and a notification's
status are named states (StrEnums), stored as the same strings as before; the web chat has one
name, "chat", and its older one, "web", is read as it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadflow.db import unit_of_work
from leadflow.models import (
    Channel,
    Conversation,
    Message,
    MessageAuthor,
    MessageDirection,
    MessageStatus,
    NotificationStatus,
)
from tests.builders import make_lead
from tests.dashboard.support import Browser, make_person


def test_the_states_keep_the_strings_stored_before():
    assert [str(d) for d in MessageDirection] == ["in", "out"]
    assert {str(a) for a in MessageAuthor} == {"lead", "agent", "person", "system"}
    assert {"received", "queued", "suppressed", "kept", "sent", "delivered", "failed"} <= {
        str(s) for s in MessageStatus
    }
    assert [str(c) for c in Channel] == ["sms", "whatsapp", "email", "chat"]
    assert NotificationStatus.queued == "queued"


def test_web_is_the_web_chat_and_nothing_else_is_a_channel():
    assert Channel.parse("web") is Channel.chat
    assert Channel.parse("whatsapp") is Channel.whatsapp
    with pytest.raises(ValueError):
        Channel.parse("fax")


def test_a_providers_word_is_a_status_and_an_unknown_one_is_sent():
    assert MessageStatus.of_provider("DELIVERED") is MessageStatus.delivered
    assert MessageStatus.of_provider("handed-to-carrier") is MessageStatus.sent
    assert NotificationStatus.of_provider("kept") is NotificationStatus.kept


def test_the_outbox_filtered_by_web_shows_the_web_chats_messages(api, client, session):
    lead = make_lead(session, api.workspace, email="chat@example.com")
    with unit_of_work() as writer:
        conversation = Conversation(
            workspace_id=lead.workspace_id, lead_id=lead.id, channel=Channel.chat,
            address="chat:abc", handled_by="agent",
        )  # fmt: skip
        writer.add(conversation)
        writer.flush()
        writer.add(
            Message(
                workspace_id=lead.workspace_id, conversation_id=conversation.id,
                lead_id=lead.id, direction=MessageDirection.outbound, author=MessageAuthor.agent,
                channel=Channel.chat, body="Welcome to the chat", status=MessageStatus.delivered,
            )
        )  # fmt: skip
    browser = Browser(client, make_person(api.workspace))
    assert "Welcome to the chat" in browser.get("/outbox", params={"channel": "web"}).text
    assert "Welcome to the chat" not in browser.get("/outbox", params={"channel": "sms"}).text
    stored = session.scalars(select(Message.channel).where(Message.lead_id == lead.id)).one()
    assert stored == "chat"
