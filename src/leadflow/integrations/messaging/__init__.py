"""Channels that carry messages out, behind one interface (:mod:`.base`), and the outbox
(:mod:`.local`), which sends nothing. The vendors that implement it (Twilio for SMS and
WhatsApp, SMTP for email) live in their own packages; which one a workspace's message leaves
through is decided by ``leadflow.providers``."""

from leadflow.integrations.messaging.base import (
    Channel,
    DeliveryRefused,
    Handed,
    InboundMessage,
    MessageSender,
    Outgoing,
    RefusalReason,
    StatusCallbackInvalid,
    StatusUpdate,
)

__all__ = [
    "Channel",
    "DeliveryRefused",
    "Handed",
    "InboundMessage",
    "MessageSender",
    "Outgoing",
    "RefusalReason",
    "StatusCallbackInvalid",
    "StatusUpdate",
]
