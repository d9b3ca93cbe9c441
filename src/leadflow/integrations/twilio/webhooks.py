"""Twilio's callbacks: the signature (``X-Twilio-Signature``, HMAC-SHA1 with the account's auth
token over the URL and the sorted form fields, or over the URL alone with the body's SHA-256 in
``bodySHA256`` for a JSON body), and what a callback says: an incoming SMS or WhatsApp message,
or a message's delivery status."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl, urlsplit

import structlog

from leadflow.integrations.inbound import (
    Delivery,
    SignatureRejected,
    body_digest,
    equal,
    header,
)
from leadflow.integrations.messaging.base import InboundMessage, StatusUpdate
from leadflow.integrations.twilio.messages import parse_status_callback
from leadflow.integrations.twilio.settings import TwilioSettings

log = structlog.get_logger()
WHATSAPP = "whatsapp:"


def verify(delivery: Delivery, settings: TwilioSettings, now: float) -> str:
    """The callback's event id, if the account's auth token signed it."""
    token = settings.auth_token.get_secret_value()
    if not token:  # an account known by its API key only cannot check Twilio's signatures
        raise SignatureRejected("this Twilio account has no auth token to check signatures with")
    signature = header(delivery, "x-twilio-signature")
    query = dict(parse_qsl(urlsplit(delivery.url).query, keep_blank_values=True))
    signed = delivery.url
    if "bodySHA256" in query:  # a JSON body: the URL carries the body's hash
        if not equal(hashlib.sha256(delivery.body).hexdigest(), query["bodySHA256"]):
            raise SignatureRejected("the body does not match its bodySHA256")
        params: dict[str, str] = {}
    else:
        pairs = parse_qsl(delivery.body.decode("utf-8", "replace"), keep_blank_values=True)
        signed += "".join(name + value for name, value in sorted(pairs))
        params = dict(pairs)
    expected = base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest())
    if not equal(expected, signature):
        raise SignatureRejected("the X-Twilio-Signature does not match")
    return _event_id(params or query, delivery.body)


def _event_id(params: Mapping[str, str], body: bytes) -> str:
    # A message and each of its status callbacks are distinct events with the same sid.
    sid = params.get("MessageSid") or params.get("SmsSid") or params.get("CallSid")
    status = params.get("MessageStatus") or params.get("SmsStatus") or params.get("CallStatus")
    if sid:
        return f"{sid}:{status or ''}"[:200]
    return body_digest(body)


def parse(delivery: Delivery) -> Sequence[InboundMessage | StatusUpdate]:
    """What a verified callback says: a status update, an incoming message, or nothing we
    act on (a message without text or media, a voice call)."""
    form = delivery.form()
    if "MessageStatus" in form and "Body" not in form:
        return [parse_status_callback(form)]
    message = inbound_message(form)
    if message is None:
        log.info("twilio.callback_ignored", fields=sorted(form)[:20])
        return []
    return [message]


def inbound_message(form: Mapping[str, str]) -> InboundMessage | None:
    """An incoming SMS or WhatsApp message from Twilio's form; None when it carries nothing."""
    sender, body = form.get("From", ""), form.get("Body", "")
    if not sender or not (body.strip() or form.get("NumMedia", "0") not in ("", "0")):
        return None
    whatsapp = sender.lower().startswith(WHATSAPP)
    return InboundMessage(
        channel="whatsapp" if whatsapp else "sms",
        sender=_number(sender),
        body=body.strip() or "[media]",
        provider_message_id=form.get("MessageSid") or form.get("SmsMessageSid"),
        sender_name=form.get("ProfileName") or None,
        recipient=_number(form.get("To", "")) or None,
    )


def _number(address: str) -> str:
    return address[len(WHATSAPP) :] if address.lower().startswith(WHATSAPP) else address
