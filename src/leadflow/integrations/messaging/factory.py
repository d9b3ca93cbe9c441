"""Placeholder: the Outbox for every channel until the adapters land."""

from __future__ import annotations

from leadflow.integrations.messaging.base import Channel, MessageSender, Outbox


def get_sender(channel: Channel) -> MessageSender:
    return Outbox()
