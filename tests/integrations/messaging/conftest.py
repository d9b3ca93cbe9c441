"""Messaging adapters: Twilio mocked at the transport (respx), SMTP against a real aiosmtpd
sink; pauses between attempts recorded, not slept."""

from __future__ import annotations

import pytest

from leadflow.integrations.policy import ProviderPolicy


@pytest.fixture
def policy() -> ProviderPolicy:
    return ProviderPolicy.from_settings().but(max_attempts=3)
