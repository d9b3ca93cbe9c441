"""SendGrid's signed webhooks (the Inbound Parse security policy signs as the Event Webhook
does): ECDSA P-256 with SHA-256 over the timestamp followed by the raw body; and an inbound
email read from its parsed form."""

from __future__ import annotations

import base64
from collections.abc import Sequence

import structlog
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from leadflow.integrations.inbound import (
    Delivery,
    SignatureRejected,
    body_digest,
    fresh,
    header,
    number,
)
from leadflow.integrations.messaging.base import InboundMessage, StatusUpdate
from leadflow.integrations.sendgrid.email_form import email_form
from leadflow.integrations.sendgrid.settings import SendGridParseSettings, load_verification_key

log = structlog.get_logger()


def verify(delivery: Delivery, settings: SendGridParseSettings, now: float) -> str:
    signature = header(delivery, "x-twilio-email-event-webhook-signature")
    timestamp = header(delivery, "x-twilio-email-event-webhook-timestamp")
    fresh(number(timestamp, "timestamp"), now)
    key = load_verification_key(settings.verification_key.get_secret_value())
    try:
        key.verify(
            base64.b64decode(signature, validate=True),
            timestamp.encode() + delivery.body,
            ec.ECDSA(hashes.SHA256()),
        )
    except (InvalidSignature, ValueError):
        raise SignatureRejected("the SendGrid signature does not match") from None
    return _event_id(delivery)


def _event_id(delivery: Delivery) -> str:
    """The email's Message-ID, from the parsed form's headers; else the body's hash."""
    message_id = email_form(delivery.body, delivery.content_type).message_id
    return message_id[:200] if message_id else body_digest(delivery.body)


def parse(delivery: Delivery) -> Sequence[InboundMessage | StatusUpdate]:
    """The email as a message from its sender; nothing when it has no sender or no new text."""
    email = email_form(delivery.body, delivery.content_type)
    if not email.sender or not email.text:
        log.info("sendgrid.email_ignored")
        return []
    return [
        InboundMessage(
            channel="email",
            sender=email.sender,
            body=email.text,
            provider_message_id=email.message_id,
            sender_name=email.sender_name,
            subject=email.subject or None,
        )
    ]
