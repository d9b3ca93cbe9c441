"""Each provider's signature scheme: verified over the raw bytes with a constant-time compare,
inside a timestamp window where the scheme has one, naming the provider's own event id."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from leadflow.connections.registry import (
    CalComSettings,
    HubSpotSettings,
    ProviderSettings,
    SendGridParseSettings,
    StandardWebhooksSettings,
    TwilioSettings,
    load_verification_key,
)
from leadflow.exceptions import LeadflowError
from leadflow.inbox.email_form import email_form

TOLERANCE_SECONDS = 300


class SignatureRejected(LeadflowError):
    status = 401
    title = "Signature rejected"


@dataclass(frozen=True)
class Delivery:
    """A provider's request as it arrived: what its signature covers."""

    method: str
    url: str  # the URL the provider called, as it called it
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    content_type: str


@dataclass(frozen=True)
class Scheme:
    settings: type[ProviderSettings]
    verify: Callable[[Delivery, ProviderSettings, float], str]  # returns the event id


def _equal(expected: bytes | str, given: str) -> bool:
    expected_text = expected.decode() if isinstance(expected, bytes) else expected
    return hmac.compare_digest(expected_text.encode(), given.encode())


def _header(delivery: Delivery, name: str) -> str:
    value = delivery.headers.get(name, "").strip()
    if not value:
        raise SignatureRejected(f"the {name} header is missing")
    return value


def _fresh(timestamp_seconds: float, now: float) -> None:
    if abs(now - timestamp_seconds) > TOLERANCE_SECONDS:
        raise SignatureRejected("the signature's timestamp is outside the 5-minute window")


def _number(text: str, what: str) -> int:
    if not text.isdigit() or len(text) > 16:
        raise SignatureRejected(f"the {what} is not a number")
    return int(text)


def verify_standard(delivery: Delivery, settings: ProviderSettings, now: float) -> str:
    assert isinstance(settings, StandardWebhooksSettings)
    message_id = _header(delivery, "webhook-id")
    timestamp = _header(delivery, "webhook-timestamp")
    _fresh(_number(timestamp, "webhook-timestamp"), now)
    secret = base64.b64decode(settings.signing_secret.get_secret_value().removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + delivery.body
    expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest())
    offered = [
        part.partition(",")[2]
        for part in _header(delivery, "webhook-signature").split()
        if part.startswith("v1,")
    ]
    if not any(_equal(expected, signature) for signature in offered):
        raise SignatureRejected("the webhook-signature does not match")
    return message_id[:200]


def verify_twilio(delivery: Delivery, settings: ProviderSettings, now: float) -> str:
    assert isinstance(settings, TwilioSettings)
    signature = _header(delivery, "x-twilio-signature")
    query = dict(parse_qsl(urlsplit(delivery.url).query, keep_blank_values=True))
    signed = delivery.url
    if "bodySHA256" in query:  # a JSON body: the URL carries the body's hash
        if not _equal(hashlib.sha256(delivery.body).hexdigest(), query["bodySHA256"]):
            raise SignatureRejected("the body does not match its bodySHA256")
        params: dict[str, str] = {}
    else:
        pairs = parse_qsl(delivery.body.decode("utf-8", "replace"), keep_blank_values=True)
        signed += "".join(name + value for name, value in sorted(pairs))
        params = dict(pairs)
    token = settings.auth_token.get_secret_value().encode()
    expected = base64.b64encode(hmac.new(token, signed.encode(), hashlib.sha1).digest())
    if not _equal(expected, signature):
        raise SignatureRejected("the X-Twilio-Signature does not match")
    return _twilio_event_id(params or query, delivery.body)


def _twilio_event_id(params: Mapping[str, str], body: bytes) -> str:
    # A message and each of its status callbacks are distinct events with the same sid.
    sid = params.get("MessageSid") or params.get("SmsSid") or params.get("CallSid")
    status = params.get("MessageStatus") or params.get("SmsStatus") or params.get("CallStatus")
    if sid:
        return f"{sid}:{status or ''}"[:200]
    return "sha256:" + hashlib.sha256(body).hexdigest()


def verify_hubspot(delivery: Delivery, settings: ProviderSettings, now: float) -> str:
    assert isinstance(settings, HubSpotSettings)
    signature = _header(delivery, "x-hubspot-signature-v3")
    timestamp = _header(delivery, "x-hubspot-request-timestamp")
    _fresh(_number(timestamp, "X-HubSpot-Request-Timestamp") / 1000, now)
    signed = (delivery.method.upper() + delivery.url).encode() + delivery.body + timestamp.encode()
    secret = settings.client_secret.get_secret_value().encode()
    expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest())
    if not _equal(expected, signature):
        raise SignatureRejected("the X-HubSpot-Signature-v3 does not match")
    return _hubspot_event_id(delivery.body)


def _hubspot_event_id(body: bytes) -> str:
    try:
        events = json.loads(body)
        ids = sorted(str(event["eventId"]) for event in events)
    except (ValueError, TypeError, KeyError):
        ids = []
    digest = hashlib.sha256((",".join(ids) if ids else body.hex()).encode()).hexdigest()
    return f"events:{digest}"


def verify_calcom(delivery: Delivery, settings: ProviderSettings, now: float) -> str:
    assert isinstance(settings, CalComSettings)
    signature = _header(delivery, "x-cal-signature-256")
    secret = settings.webhook_secret.get_secret_value().encode()
    expected = hmac.new(secret, delivery.body, hashlib.sha256).hexdigest()
    if not _equal(expected, signature.lower()):
        raise SignatureRejected("the X-Cal-Signature-256 does not match")
    return _calcom_event_id(delivery.body)


def _calcom_event_id(body: bytes) -> str:
    try:
        document = json.loads(body)
        trigger, uid = document["triggerEvent"], document["payload"]["uid"]
    except (ValueError, TypeError, KeyError):
        return "sha256:" + hashlib.sha256(body).hexdigest()
    return f"{trigger}:{uid}"[:200]


def verify_sendgrid(delivery: Delivery, settings: ProviderSettings, now: float) -> str:
    """SendGrid's signed webhooks (the Inbound Parse security policy signs as the Event Webhook
    does): ECDSA P-256 with SHA-256 over the timestamp followed by the raw body."""
    assert isinstance(settings, SendGridParseSettings)
    signature = _header(delivery, "x-twilio-email-event-webhook-signature")
    timestamp = _header(delivery, "x-twilio-email-event-webhook-timestamp")
    _fresh(_number(timestamp, "timestamp"), now)
    key = load_verification_key(settings.verification_key.get_secret_value())
    try:
        key.verify(
            base64.b64decode(signature, validate=True),
            timestamp.encode() + delivery.body,
            ec.ECDSA(hashes.SHA256()),
        )
    except (InvalidSignature, ValueError):
        raise SignatureRejected("the SendGrid signature does not match") from None
    return _email_event_id(delivery)


def _email_event_id(delivery: Delivery) -> str:
    """The email's Message-ID, from the parsed form's headers; else the body's hash."""
    message_id = email_form(delivery.body, delivery.content_type).message_id
    return message_id[:200] if message_id else "sha256:" + hashlib.sha256(delivery.body).hexdigest()


SCHEMES: dict[str, Scheme] = {
    "standard": Scheme(StandardWebhooksSettings, verify_standard),
    "twilio": Scheme(TwilioSettings, verify_twilio),
    "hubspot": Scheme(HubSpotSettings, verify_hubspot),
    "calcom": Scheme(CalComSettings, verify_calcom),
    "sendgrid": Scheme(SendGridParseSettings, verify_sendgrid),
}


def verify(provider: str, delivery: Delivery, settings: ProviderSettings) -> str:
    """The provider's event id, if the delivery is signed by the holder of ``settings``."""
    return SCHEMES[provider].verify(delivery, settings, time.time())
