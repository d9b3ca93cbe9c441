from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from leadflow.kit.schemas import NO_NUL, RequestSchema, Schema


class ConversationOut(Schema):
    id: int
    lead_id: int
    channel: str
    address: str | None
    handled_by: str
    taken_over_by: int | None
    taken_over_at: datetime | None
    language: str | None
    last_inbound_at: datetime | None
    last_outbound_at: datetime | None
    created_at: datetime


class InboxItemOut(Schema):
    """A conversation as the inbox lists it."""

    conversation: ConversationOut
    lead_id: int
    lead_name: str
    last_message: str | None = Field(description="the text of its latest message, in or out")
    needs_person: bool = Field(description="handed off by the agent, or the lead waits on a person")
    waiting_since: datetime | None = Field(description="the lead's message that waits, if any")
    handoff_reason: str | None = Field(description="why the agent handed it to a person")


class MessageOut(Schema):
    id: int
    conversation_id: int
    lead_id: int
    direction: str
    author: str
    channel: str
    body: str
    language: str | None
    provider: str | None
    provider_message_id: str | None
    provider_sent_at: datetime | None
    status: str
    error: str | None
    received_at: datetime | None
    handed_at: datetime | None
    replying_to_id: int | None
    decision: dict[str, Any] | None
    citations: list[Any] | None
    created_at: datetime


class ReplyIn(RequestSchema):
    body: str = Field(min_length=1, max_length=1600, pattern=NO_NUL)


class SpeedToLeadOut(Schema):
    leads_with_messages: int
    answered: int
    unanswered: int
    p50_ms: int | None
    p90_ms: int | None
    p95_ms: int | None
    p99_ms: int | None
    buckets: dict[str, int] = Field(description="answered within each bound, and later")
