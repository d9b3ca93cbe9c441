"""Signed deliveries as each provider sends them, made with the providers' own reference code
where it exists (standardwebhooks, twilio)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook
from twilio.request_validator import RequestValidator

SIGNING_SECRET = "whsec_" + base64.b64encode(b"leadflow-inbox-test-secret-32by").decode()
TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "f00dfeedf00dfeedf00dfeedf00dfeed"
HUBSPOT_SECRET = "hubspot-client-secret"
CAL_SECRET = "cal-webhook-secret"


def connect(api, provider: str, settings: dict) -> None:
    response = api.put(f"/api/v1/connections/{provider}", json={"settings": settings})
    assert response.status_code == 200, response.text


def standard_delivery(
    body: bytes,
    *,
    message_id: str | None = None,
    at: float | None = None,
    secret: str = SIGNING_SECRET,
) -> tuple[bytes, dict[str, str]]:
    message_id = message_id or f"msg_{secrets.token_hex(8)}"
    moment = datetime.fromtimestamp(at if at is not None else time.time(), tz=UTC)
    signature = Webhook(secret).sign(message_id, moment, body.decode())
    return body, {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def twilio_signature(url: str, params: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def hubspot_headers(
    method: str, url: str, body: bytes, *, at_ms: int | None = None
) -> dict[str, str]:
    timestamp = str(at_ms if at_ms is not None else int(time.time() * 1000))
    signed = (method + url).encode() + body + timestamp.encode()
    digest = hmac.new(HUBSPOT_SECRET.encode(), signed, hashlib.sha256).digest()
    return {
        "x-hubspot-signature-v3": base64.b64encode(digest).decode(),
        "x-hubspot-request-timestamp": timestamp,
        "content-type": "application/json",
    }


def cal_headers(body: bytes) -> dict[str, str]:
    digest = hmac.new(CAL_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"x-cal-signature-256": digest, "content-type": "application/json"}


def json_body(**fields: object) -> bytes:
    return json.dumps(fields).encode()
