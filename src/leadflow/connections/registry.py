"""Providers a workspace connects with its own account, by slug: what each one's settings are
(a pydantic schema the dashboard draws as a form) and which of them are secrets."""

from __future__ import annotations

import base64
from dataclasses import dataclass

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
    )
}
