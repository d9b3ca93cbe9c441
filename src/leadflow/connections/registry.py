"""Providers a workspace connects with its own account, by slug: what each one's settings are
(a pydantic schema the dashboard draws as a form) and which of them are secrets."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class ProviderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TwilioSettings(ProviderSettings):
    account_sid: str = Field(pattern=r"^AC[0-9a-fA-F]{32}$", description="Account SID")
    auth_token: SecretStr = Field(min_length=16, max_length=128, description="Auth token")


class HubSpotSettings(ProviderSettings):
    client_secret: SecretStr = Field(
        min_length=8, max_length=256, description="The app's client secret (signs webhooks)"
    )


class CalComSettings(ProviderSettings):
    webhook_secret: SecretStr = Field(min_length=8, max_length=256)


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


class StackAISettings(ProviderSettings):
    """A stackAI flow the workspace deployed to score its leads (its API page gives the ids)."""

    # Both go into the request's path: letters, digits, '-' and '_' only.
    org_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,100}$", description="Organization id")
    flow_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,100}$", description="Flow id")
    api_key: SecretStr = Field(min_length=8, max_length=256, description="The flow's API key")
    timeout_seconds: float = Field(default=30, gt=0, le=120, description="Wait for the flow")


class SendGridParseSettings(ProviderSettings):
    verification_key: SecretStr = Field(
        max_length=1000,
        description="The public key of the Inbound Parse security policy (base64, as SendGrid "
        "shows it): inbound email is signed with its private key",
    )

    @field_validator("verification_key")
    @classmethod
    def _ec_public_key(cls, value: SecretStr) -> SecretStr:
        try:
            load_verification_key(value.get_secret_value())
        except ValueError:
            raise ValueError("expected the policy's base64 EC public key") from None
        return value


def load_verification_key(text: str) -> ec.EllipticCurvePublicKey:
    """SendGrid's public key, base64 DER (or PEM), as an EC public key; ValueError otherwise."""
    body = text.strip()
    if "BEGIN PUBLIC KEY" not in body:
        body = f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----"
    try:
        key = serialization.load_pem_public_key(body.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ValueError(str(error)) from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("not an elliptic-curve key")
    return key


def _is_base64(text: str, least_bytes: int) -> bool:
    try:
        return len(base64.b64decode(text, validate=True)) >= least_bytes
    except ValueError:
        return False


@dataclass(frozen=True)
class ProviderKind:
    slug: str
    title: str
    settings: type[ProviderSettings]


PROVIDERS: dict[str, ProviderKind] = {
    kind.slug: kind
    for kind in (
        ProviderKind("twilio", "Twilio (SMS and WhatsApp)", TwilioSettings),
        ProviderKind("hubspot", "HubSpot", HubSpotSettings),
        ProviderKind("calcom", "Cal.com", CalComSettings),
        ProviderKind("standard", "Any Standard Webhooks sender", StandardWebhooksSettings),
        ProviderKind("stackai", "stackAI flow (an external lead scorer)", StackAISettings),
        ProviderKind("sendgrid", "SendGrid Inbound Parse (email in)", SendGridParseSettings),
    )
}
