"""Any sender that follows the Standard Webhooks scheme (webhook-id, webhook-timestamp,
webhook-signature: HMAC-SHA256 with a ``whsec_`` secret)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from pydantic import Field, SecretStr, field_validator

from leadflow.integrations.inbound import Delivery, SignatureRejected, equal, fresh, header, number
from leadflow.integrations.vendor import ProviderSettings, Vendor


class StandardWebhooksSettings(ProviderSettings):
    signing_secret: SecretStr = Field(
        max_length=256,
        description="whsec_ secret of a sender that follows the Standard Webhooks scheme",
    )

    @field_validator("signing_secret")
    @classmethod
    def _whsec(cls, value: SecretStr) -> SecretStr:
        key = value.get_secret_value().removeprefix("whsec_")
        if not value.get_secret_value().startswith("whsec_") or not _is_base64(key, 16):
            raise ValueError("expected whsec_ followed by a base64 key of 16 bytes or more")
        return value


def _is_base64(text: str, least_bytes: int) -> bool:
    try:
        return len(base64.b64decode(text, validate=True)) >= least_bytes
    except ValueError:
        return False


def verify(delivery: Delivery, settings: StandardWebhooksSettings, now: float) -> str:
    message_id = header(delivery, "webhook-id")
    timestamp = header(delivery, "webhook-timestamp")
    fresh(number(timestamp, "webhook-timestamp"), now)
    secret = base64.b64decode(settings.signing_secret.get_secret_value().removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + delivery.body
    expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest())
    offered = [
        part.partition(",")[2]
        for part in header(delivery, "webhook-signature").split()
        if part.startswith("v1,")
    ]
    if not any(equal(expected, signature) for signature in offered):
        raise SignatureRejected("the webhook-signature does not match")
    return message_id[:200]


VENDOR = Vendor(
    slug="standard",
    title="Any Standard Webhooks sender",
    settings=StandardWebhooksSettings,
    verify=verify,
)
