"""Each channel's sender, chosen by settings: Twilio for SMS and WhatsApp, SMTP for email, and
the outbox for a channel whose provider is not set (architecture: "nothing in the default
configuration reaches the network")."""

from __future__ import annotations

from leadflow.config import Settings, get_settings
from leadflow.integrations.messaging.base import Channel, MessageSender
from leadflow.integrations.messaging.local import Outbox
from leadflow.integrations.messaging.smtp import Smtp
from leadflow.integrations.messaging.twilio import Twilio


class MessagingMisconfigured(ValueError):
    """A channel's provider is partly set: a setting it needs is missing or unreadable."""


def get_sender(channel: Channel, settings: Settings | None = None) -> MessageSender:
    """The sender of ``channel``: its provider when settings configure one, else the outbox.
    MessagingMisconfigured when a provider is set only in part."""
    settings = settings or get_settings()
    if channel == "email":
        return _smtp(settings) if _uses_smtp(settings) else Outbox()
    if not _uses_twilio(settings):
        return Outbox()
    twilio = _twilio(settings)  # a half-set account is refused whichever channel asks
    return twilio if twilio.serves(channel) else Outbox()


def _uses_twilio(settings: Settings) -> bool:
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


def _uses_smtp(settings: Settings) -> bool:
    return any(
        (
            settings.smtp_host,
            settings.smtp_username,
            settings.smtp_password.get_secret_value(),
            settings.smtp_from,
        )
    )


def _twilio(settings: Settings) -> Twilio:
    token = settings.twilio_auth_token.get_secret_value()
    key_sid = settings.twilio_api_key_sid
    key_secret = settings.twilio_api_key_secret.get_secret_value()
    if not settings.twilio_account_sid:
        raise MessagingMisconfigured("LEADFLOW_TWILIO_ACCOUNT_SID is required for Twilio")
    if bool(key_sid) != bool(key_secret):
        raise MessagingMisconfigured(
            "LEADFLOW_TWILIO_API_KEY_SID and LEADFLOW_TWILIO_API_KEY_SECRET go together"
        )
    if not (token or key_sid):
        raise MessagingMisconfigured(
            "Twilio needs LEADFLOW_TWILIO_AUTH_TOKEN, or an API key "
            "(LEADFLOW_TWILIO_API_KEY_SID and LEADFLOW_TWILIO_API_KEY_SECRET)"
        )
    return Twilio(
        account_sid=settings.twilio_account_sid,
        auth_token=token,
        api_key=(key_sid, key_secret) if key_sid else None,
        sms_from=settings.twilio_sms_from,
        whatsapp_from=settings.twilio_whatsapp_from,
        messaging_service_sid=settings.twilio_messaging_service_sid,
    )


def _smtp(settings: Settings) -> Smtp:
    if not settings.smtp_host:
        raise MessagingMisconfigured("LEADFLOW_SMTP_HOST is required to send email")
    if not settings.smtp_from:
        raise MessagingMisconfigured("LEADFLOW_SMTP_FROM is required with LEADFLOW_SMTP_HOST")
    if bool(settings.smtp_username) != bool(settings.smtp_password.get_secret_value()):
        raise MessagingMisconfigured(
            "LEADFLOW_SMTP_USERNAME and LEADFLOW_SMTP_PASSWORD go together"
        )
    try:
        return Smtp(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_tls,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value(),
        )
    except ValueError as error:
        raise MessagingMisconfigured(f"LEADFLOW_SMTP_FROM: {error}") from error
