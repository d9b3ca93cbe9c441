"""SendGrid Inbound Parse: the public key of its security policy, which signs inbound email."""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import Field, SecretStr, field_validator

from leadflow.integrations.vendor import ProviderSettings


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
