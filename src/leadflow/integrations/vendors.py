"""Every vendor leadflow knows, each registered once, by its slug. The slug names a workspace's
connection (``PUT /api/v1/connections/{slug}``) and its inbound address
(``/api/v1/inbound/{workspace}/{slug}``)."""

from __future__ import annotations

from typing import Any

from leadflow.integrations import (
    anthropic,
    calcom,
    hubspot,
    llamaparse,
    openai_compatible,
    sendgrid,
    smtp,
    stackai,
    standard_webhooks,
    twilio,
)
from leadflow.integrations.messaging.base import Channel
from leadflow.integrations.vendor import Vendor

VENDORS: dict[str, Vendor[Any]] = {
    vendor.slug: vendor
    for vendor in (
        twilio.VENDOR,
        smtp.VENDOR,
        sendgrid.VENDOR,
        openai_compatible.VENDOR,
        anthropic.VENDOR,
        stackai.VENDOR,
        llamaparse.VENDOR,
        hubspot.VENDOR,
        calcom.VENDOR,
        standard_webhooks.VENDOR,
    )
}


def vendor(slug: str) -> Vendor[Any] | None:
    return VENDORS.get(slug)


def carrying(channel: Channel) -> list[Vendor[Any]]:
    """The vendors that send on ``channel``, in the registry's order."""
    return [v for v in VENDORS.values() if v.sender is not None and channel in v.channels]


def models() -> list[Vendor[Any]]:
    return [v for v in VENDORS.values() if v.llm is not None]


def scorers() -> list[Vendor[Any]]:
    return [v for v in VENDORS.values() if v.scorer is not None]


def parsers() -> list[Vendor[Any]]:
    return [v for v in VENDORS.values() if v.parser is not None]
