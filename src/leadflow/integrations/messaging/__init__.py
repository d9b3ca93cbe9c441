"""Channels that carry messages out, behind one interface (:mod:`.base`): SMS and WhatsApp
through Twilio, email through SMTP, and the outbox, which sends nothing. Each channel's sender
is chosen by settings in :func:`.factory.get_sender`; the outbox by default (no network)."""

from leadflow.integrations.messaging.base import (
    Channel,
    DeliveryRefused,
    Handed,
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
    "MessageSender",
    "Outgoing",
    "RefusalReason",
    "StatusCallbackInvalid",
    "StatusUpdate",
]
