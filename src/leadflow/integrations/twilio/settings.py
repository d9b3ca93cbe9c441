"""A Twilio account's settings: a workspace's own (connected through the API or the dashboard),
or the platform's, from ``LEADFLOW_TWILIO_*``."""

from __future__ import annotations

from pydantic import Field, SecretStr

from leadflow.config import Settings
from leadflow.integrations.messaging.base import Channel
from leadflow.integrations.vendor import PlatformMisconfigured, ProviderSettings

_E164_OR_EMPTY = r"^(\+[1-9][0-9]{1,14})?$"


class TwilioSettings(ProviderSettings):
    account_sid: str = Field(pattern=r"^AC[0-9a-fA-F]{32}$", description="Account SID")
    auth_token: SecretStr = Field(min_length=16, max_length=128, description="Auth token")
    sms_from: str = Field(
        default="",
        max_length=16,
        pattern=r"^(\+[1-9][0-9]{1,14}|[A-Za-z0-9 ]{1,11})?$",
        description="The number (or alphanumeric sender ID) SMS leave from; empty: the number "
        "the lead wrote to",
    )
    whatsapp_from: str = Field(
        default="",
        max_length=16,
        pattern=_E164_OR_EMPTY,
        description="The WhatsApp sender's number; empty: the number the lead wrote to",
    )
    messaging_service_sid: str = Field(
        default="", pattern=r"^(MG[0-9a-fA-F]{32})?$", description="A Messaging Service (MG...)"
    )
    api_key_sid: str = Field(
        default="", pattern=r"^(SK[0-9a-fA-F]{32})?$", description="An API key (SK...) to send with"
    )
    api_key_secret: SecretStr = Field(
        default=SecretStr(""), max_length=128, description="The API key's secret"
    )


def serves(settings: TwilioSettings, channel: Channel) -> bool:
    """Whether the account names a sender for ``channel`` (a message may still name its own)."""
    named = settings.sms_from if channel == "sms" else settings.whatsapp_from
    return channel in ("sms", "whatsapp") and bool(named or settings.messaging_service_sid)


def from_platform(settings: Settings) -> TwilioSettings | None:
    """The platform's account, when ``LEADFLOW_TWILIO_*`` set one; PlatformMisconfigured when
    they set one in part."""
    if not _any_set(settings):
        return None
    token = settings.twilio_auth_token.get_secret_value()
    key_sid = settings.twilio_api_key_sid
    key_secret = settings.twilio_api_key_secret.get_secret_value()
    if not settings.twilio_account_sid:
        raise PlatformMisconfigured("LEADFLOW_TWILIO_ACCOUNT_SID is required for Twilio")
    if bool(key_sid) != bool(key_secret):
        raise PlatformMisconfigured(
            "LEADFLOW_TWILIO_API_KEY_SID and LEADFLOW_TWILIO_API_KEY_SECRET go together"
        )
    if not (token or key_sid):
        raise PlatformMisconfigured(
            "Twilio needs LEADFLOW_TWILIO_AUTH_TOKEN, or an API key "
            "(LEADFLOW_TWILIO_API_KEY_SID and LEADFLOW_TWILIO_API_KEY_SECRET)"
        )
    # The operator's own values are trusted as given: not every one fits the workspace's form.
    return TwilioSettings.model_construct(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        sms_from=settings.twilio_sms_from,
        whatsapp_from=settings.twilio_whatsapp_from.removeprefix("whatsapp:"),
        messaging_service_sid=settings.twilio_messaging_service_sid,
        api_key_sid=key_sid,
        api_key_secret=settings.twilio_api_key_secret,
    )


def _any_set(settings: Settings) -> bool:
    return any(
        (
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_api_key_sid,
            settings.twilio_api_key_secret.get_secret_value(),
            settings.twilio_sms_from,
            settings.twilio_whatsapp_from,
            settings.twilio_messaging_service_sid,
        )
    )
