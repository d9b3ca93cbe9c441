"""The messaging interface: hand one message to a channel, get back what the provider said.

The default sender of every channel is the outbox (:mod:`.local`): nothing leaves the machine.
Which provider carries a workspace's messages is decided outside this package (the
workspace's connection, then the platform's settings, then the outbox).

Two kinds of failure leave ``send``: :class:`DeliveryRefused` (logical: the provider, or we on
its behalf, refused this message — an opted-out recipient, a bad number, a template needed;
retrying changes nothing, the user is shown why) and ``ProviderUnavailable`` from
:mod:`leadflow.integrations.errors` (operational: network, 5xx, 429; worth trying again later).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from leadflow.exceptions import BadRequest
from leadflow.integrations.errors import ProviderRefused

Channel = Literal["sms", "whatsapp", "email"]
CHANNELS: tuple[Channel, ...] = ("sms", "whatsapp", "email")

RefusalReason = Literal[
    "opted_out",  # the recipient said STOP (or unsubscribed) to this sender
    "invalid_recipient",  # no such number or address, not a mobile, not on WhatsApp
    "template_required",  # WhatsApp, outside the 24-hour window: only an approved template
    "misconfigured",  # our side: credentials, sender, region permissions
    "rejected",  # anything else the provider refused
]

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


@dataclass(frozen=True)
class Outgoing:
    """One message to hand to a channel.

    ``to`` is an E.164 phone number for sms and whatsapp (without any ``whatsapp:`` prefix) and
    an email address for email. ``idempotency_key`` is persisted by the caller before the call;
    providers that accept one are given it. ``sender`` None means the configured default.
    ``template`` (an approved template's id: Twilio's ContentSid) replaces ``body`` where the
    provider needs one, as WhatsApp does outside the 24-hour window.
    """

    channel: Channel
    to: str
    body: str
    idempotency_key: str
    sender: str | None = None
    subject: str | None = None
    template: str | None = None
    template_variables: dict[str, str] | None = None
    status_callback: str | None = None

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")
        if not self.idempotency_key:
            raise ValueError("a message needs its idempotency key")
        if not self.body.strip() and not self.template:
            raise ValueError("a message needs a body or a template")


@dataclass(frozen=True)
class Handed:
    """What the provider said when it took the message. ``status`` is the provider's word
    (``kept`` for the outbox, ``queued``, ``accepted``, ``sent``...); ``sent_at`` is the
    provider's own timestamp when it gives one."""

    provider: str
    provider_message_id: str | None
    status: str
    sent_at: datetime | None = None


@dataclass(frozen=True)
class StatusUpdate:
    """A provider's later word on a message it took: delivered, read, failed... With a failure,
    its code, a message to show, and the ``reason`` when leadflow knows the code."""

    provider_message_id: str
    status: str
    error_code: str | None = None
    error_message: str | None = None
    reason: RefusalReason | None = None


@dataclass(frozen=True)
class InboundMessage:
    """A message a lead sent to the business, as its provider delivered it. ``sender`` is an
    E.164 number (without ``whatsapp:``) or an email address; ``recipient`` the business's own
    number or address it was sent to, when the provider says."""

    channel: Channel
    sender: str
    body: str
    provider_message_id: str | None = None
    sender_name: str | None = None
    subject: str | None = None
    recipient: str | None = None


class StatusCallbackInvalid(BadRequest):
    """A delivery-status callback leadflow cannot read."""

    title = "Unreadable status callback"


class MessageSender(Protocol):
    """A channel's way out."""

    name: str

    def send(self, message: Outgoing) -> Handed:
        """Hands ``message`` over; raises DeliveryRefused or ProviderUnavailable."""
        ...


class DeliveryRefused(ProviderRefused):
    """Logical: this message was refused (an opted-out recipient, a bad number, a template
    needed). Not retried; shown to the user with ``reason`` for the caller to act on."""

    title = "Message refused"

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        reason: RefusalReason,
        provider_code: str | None = None,
        provider_status: int = 400,
        provider_detail: str = "",
    ) -> None:
        super().__init__(
            message,
            provider=provider,
            provider_status=provider_status,
            provider_detail=provider_detail,
        )
        self.reason = reason
        self.provider_code = provider_code
        self.extra.update(reason=reason, provider_code=provider_code)


def require_phone_number(number: str, *, provider: str) -> str:
    """``number`` when it is E.164 (``+`` and up to 15 digits), else DeliveryRefused."""
    if not _E164.fullmatch(number):
        raise DeliveryRefused(
            f"the recipient {number[:40]!r} is not a phone number in international format "
            "(+ and country code, e.g. +14155552671)",
            provider=provider,
            reason="invalid_recipient",
        )
    return number
