"""SendGrid Inbound Parse: email to the business, posted to leadflow signed by its policy."""

from leadflow.integrations.sendgrid import webhooks
from leadflow.integrations.sendgrid.settings import SendGridParseSettings
from leadflow.integrations.vendor import Vendor

VENDOR = Vendor(
    slug="sendgrid",
    title="SendGrid Inbound Parse (email in)",
    settings=SendGridParseSettings,
    verify=webhooks.verify,
    parse=webhooks.parse,
)

__all__ = ["VENDOR", "SendGridParseSettings"]
