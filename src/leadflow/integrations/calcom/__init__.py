"""Cal.com: booking webhooks, signed with the webhook's secret."""

from __future__ import annotations

import hashlib
import hmac
import json

from pydantic import Field, SecretStr

from leadflow.integrations.inbound import Delivery, SignatureRejected, body_digest, equal, header
from leadflow.integrations.vendor import ProviderSettings, Vendor


class CalComSettings(ProviderSettings):
    webhook_secret: SecretStr = Field(min_length=8, max_length=256)


def verify(delivery: Delivery, settings: CalComSettings, now: float) -> str:
    """HMAC-SHA256, hex, over the body (``X-Cal-Signature-256``)."""
    signature = header(delivery, "x-cal-signature-256")
    secret = settings.webhook_secret.get_secret_value().encode()
    expected = hmac.new(secret, delivery.body, hashlib.sha256).hexdigest()
    if not equal(expected, signature.lower()):
        raise SignatureRejected("the X-Cal-Signature-256 does not match")
    return _event_id(delivery.body)


def _event_id(body: bytes) -> str:
    try:
        document = json.loads(body)
        trigger, uid = document["triggerEvent"], document["payload"]["uid"]
    except (ValueError, TypeError, KeyError):
        return body_digest(body)
    return f"{trigger}:{uid}"[:200]


VENDOR = Vendor(slug="calcom", title="Cal.com", settings=CalComSettings, verify=verify)
