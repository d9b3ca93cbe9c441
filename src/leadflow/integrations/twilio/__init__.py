"""Twilio: SMS and WhatsApp out through its Messages API, messages and delivery statuses in
through its signed callbacks. One account per workspace that connects one; the platform's from
``LEADFLOW_TWILIO_*``."""

from leadflow.integrations.twilio import webhooks
from leadflow.integrations.twilio.messages import Twilio
from leadflow.integrations.twilio.settings import TwilioSettings, from_platform, serves
from leadflow.integrations.vendor import Vendor

VENDOR = Vendor(
    slug="twilio",
    title="Twilio (SMS and WhatsApp)",
    settings=TwilioSettings,
    platform=from_platform,
    verify=webhooks.verify,
    parse=webhooks.parse,
    channels=frozenset({"sms", "whatsapp"}),
    sender=Twilio.from_settings,
    serves=serves,
)

__all__ = ["VENDOR", "Twilio", "TwilioSettings"]
