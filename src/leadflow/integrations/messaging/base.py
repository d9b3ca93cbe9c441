"""Placeholder of the channels' interface (the adapters land from their branch)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Channel = Literal["sms", "whatsapp", "email"]


@dataclass(frozen=True)
class Outgoing:
    channel: Channel
    to: str
    body: str
    idempotency_key: str
    sender: str | None = None
    subject: str | None = None
    template: str | None = None
    template_variables: dict[str, str] | None = None
    status_callback: str | None = None


@dataclass(frozen=True)
class Handed:
    provider: str
    provider_message_id: str | None
    status: str
    sent_at: datetime | None = None


class MessageSender(Protocol):
    name: str

    def send(self, message: Outgoing) -> Handed: ...


class DeliveryRefused(Exception):
    pass


class Outbox:
    name = "outbox"

    def send(self, message: Outgoing) -> Handed:
        return Handed("outbox", f"outbox-{uuid.uuid4().hex}", "kept")
