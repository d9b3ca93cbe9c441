"""Email through an SMTP server: a workspace's own, or the platform's (``LEADFLOW_SMTP_*``)."""

from leadflow.integrations.smtp import settings
from leadflow.integrations.smtp.sender import Smtp
from leadflow.integrations.smtp.settings import SmtpSettings
from leadflow.integrations.vendor import Vendor

VENDOR = Vendor(
    slug="smtp",
    title="SMTP server (email out)",
    settings=SmtpSettings,
    platform=settings.from_platform,
    channels=frozenset({"email"}),
    sender=Smtp.from_settings,
    address=settings.address,
)

__all__ = ["VENDOR", "Smtp", "SmtpSettings"]
