"""HubSpot: an app's webhooks, signed with its client secret (signature v3)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from pydantic import Field, SecretStr

from leadflow.integrations.inbound import Delivery, SignatureRejected, equal, fresh, header, number
from leadflow.integrations.vendor import ProviderSettings, Vendor


class HubSpotSettings(ProviderSettings):
    client_secret: SecretStr = Field(
        min_length=8, max_length=256, description="The app's client secret (signs webhooks)"
    )


def verify(delivery: Delivery, settings: HubSpotSettings, now: float) -> str:
    """HMAC-SHA256, base64, over the method, the URL, the body and the timestamp (ms)."""
    signature = header(delivery, "x-hubspot-signature-v3")
    timestamp = header(delivery, "x-hubspot-request-timestamp")
    fresh(number(timestamp, "X-HubSpot-Request-Timestamp") / 1000, now)
    signed = (delivery.method.upper() + delivery.url).encode() + delivery.body + timestamp.encode()
    secret = settings.client_secret.get_secret_value().encode()
    expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest())
    if not equal(expected, signature):
        raise SignatureRejected("the X-HubSpot-Signature-v3 does not match")
    return _event_id(delivery.body)


def _event_id(body: bytes) -> str:
    try:
        events = json.loads(body)
        ids = sorted(str(event["eventId"]) for event in events)
    except (ValueError, TypeError, KeyError):
        ids = []
    digest = hashlib.sha256((",".join(ids) if ids else body.hex()).encode()).hexdigest()
    return f"events:{digest}"


VENDOR = Vendor(slug="hubspot", title="HubSpot", settings=HubSpotSettings, verify=verify)
