"""The demo agency's last 30 days: conversations on WhatsApp, SMS, email and the web chat,
the agent's answers after seconds (a few after minutes or hours), two hand-offs waiting for a
person, and deals won and lost, so that every page of the demo shows real figures.

The past is written as it happened, not replayed through the live services: those would stamp
every message now and ask the agent to answer each one again. Nothing here reaches the network
or queues a job, and it is written once (its first message's id marks it)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from leadflow.conversations import repository as conversations
from leadflow.kit.language import language_of
from leadflow.leads import repository as leads
from leadflow.models import (
    Channel,
    Conversation,
    HandledBy,
    Lead,
    Message,
    MessageAuthor,
    MessageDirection,
    MessageStatus,
)
from leadflow.models.base import utcnow

DEMO_CONVERSATIONS = Path(__file__).with_name("demo_conversations.json")
PROVIDER = "demo"
_OUT_STATUS = {Channel.email: MessageStatus.sent, Channel.chat: MessageStatus.sent}


def ensure_history(session: Session, workspace_id: int, *, now: datetime | None = None) -> int:
    """Writes the demo's conversations unless they are there already; how many it wrote."""
    if conversations.message_from(session, workspace_id, PROVIDER, _message_id(0, 0)):
        return 0
    now = now or utcnow()
    story = json.loads(DEMO_CONVERSATIONS.read_text(encoding="utf-8"))["conversations"]
    by_row = leads.oldest_leads(session, workspace_id, limit=100)
    written = 0
    for number, told in enumerate(story):
        if told["lead"] < len(by_row):
            _write(session, by_row[told["lead"]], number, told, now)
            written += 1
    session.flush()
    return written


def _write(session: Session, lead: Lead, number: int, told: dict[str, Any], now: datetime) -> None:
    channel = Channel(told["channel"])
    begun = (now - timedelta(days=told["days_ago"])).replace(
        hour=told["hour"], minute=(number * 17) % 60, second=0, microsecond=0
    )
    conversation = Conversation(
        workspace_id=lead.workspace_id, lead_id=lead.id, channel=channel,
        address=_address(lead, channel, number), created_at=begun,
        handled_by=HandledBy.person if told.get("handoff") else HandledBy.agent,
    )  # fmt: skip
    session.add(conversation)
    session.flush()
    at = begun
    for turn_number, turn in enumerate(told["turns"]):
        asked = _message(session, conversation, turn, at, number, turn_number)
        answered_at = at + timedelta(seconds=turn["seconds"])
        _answer(session, conversation, asked, turn, answered_at)
        at = answered_at + timedelta(minutes=3 + 7 * turn_number)
    lead.created_at = min(lead.created_at, begun)
    lead.first_message_at = begun
    first_answer = begun + timedelta(seconds=told["turns"][0]["seconds"])
    lead.first_response_at = first_answer
    lead.first_response_ms = told["turns"][0]["seconds"] * 1000
    lead.outcome = told.get("outcome")
    lead.sales_stage = lead.outcome or _stage_reached(told)
    lead.sales_stage_changed_at = at


def _stage_reached(told: dict[str, Any]) -> str:
    """Where an open deal stands after its conversation: times offered is a meeting in the
    making, two answers a qualified lead, one a lead contacted."""
    actions = [turn["action"] for turn in told["turns"]]
    if "offer_times" in actions:
        return "meeting"
    return "qualified" if len(actions) > 1 and "handoff" not in actions else "contacted"


def _message(
    session: Session, conversation: Conversation, turn: dict[str, Any], at: datetime,
    number: int, turn_number: int,
) -> Message:  # fmt: skip
    message = Message(
        workspace_id=conversation.workspace_id, conversation_id=conversation.id,
        lead_id=conversation.lead_id, direction=MessageDirection.inbound,
        author=MessageAuthor.lead, channel=conversation.channel, body=turn["in"],
        language=language_of(turn["in"]), provider=PROVIDER,
        provider_message_id=_message_id(number, turn_number), provider_sent_at=at,
        status=MessageStatus.received, received_at=at, created_at=at,
    )  # fmt: skip
    session.add(message)
    session.flush()
    conversation.last_inbound_at, conversation.language = at, message.language
    return message


def _answer(
    session: Session, conversation: Conversation, asked: Message, turn: dict[str, Any],
    at: datetime,
) -> None:  # fmt: skip
    language = language_of(turn["out"])
    key = f"{PROVIDER}-{conversation.workspace_id}-{asked.provider_message_id}"  # unique everywhere
    decision = {"action": turn["action"], "language": language, "engine": PROVIDER,
                "reason": turn.get("reason", "")}  # fmt: skip
    session.add(
        Message(
            workspace_id=conversation.workspace_id, conversation_id=conversation.id,
            lead_id=conversation.lead_id, direction=MessageDirection.outbound,
            author=MessageAuthor.agent, channel=conversation.channel, body=turn["out"],
            language=language, provider=PROVIDER, sent_via=PROVIDER,
            provider_message_id=f"{asked.provider_message_id}-answer",
            status=_OUT_STATUS.get(Channel(conversation.channel), MessageStatus.delivered),
            replying_to_id=asked.id, handed_at=at, provider_sent_at=at, created_at=at,
            idempotency_key=key, decision=decision,
        )
    )  # fmt: skip
    conversation.last_outbound_at = at


def _address(lead: Lead, channel: Channel, number: int) -> str:
    addresses = {Channel.sms: lead.phone, Channel.whatsapp: lead.whatsapp_id or lead.phone,
                 Channel.email: lead.email}  # fmt: skip
    return addresses.get(channel) or f"demo-visitor-{number}"


def _message_id(number: int, turn_number: int) -> str:
    return f"{PROVIDER}-{number}-{turn_number}"
