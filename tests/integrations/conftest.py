"""Every provider test starts with closed breakers and fresh shared clients, and records the
waits the retry policy asks for instead of sleeping them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from leadflow.integrations.breaker import reset_breakers
from leadflow.integrations.http import close_shared_clients
from leadflow.integrations.policy import ProviderPolicy


@pytest.fixture(autouse=True)
def fresh_breakers() -> Iterator[None]:
    reset_breakers()
    yield
    reset_breakers()
    asyncio.run(close_shared_clients())


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def policy() -> ProviderPolicy:
    return ProviderPolicy.from_settings().but(max_attempts=3)
