from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from leadflow.webhooks import sender
from tests.webhooks.support import PUBLIC_IP, FakeDns


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    """Host names resolve from this table only; hooks.example.com is a public address."""
    fake = FakeDns({"hooks.example.com": [PUBLIC_IP], "other.example.com": [PUBLIC_IP]})
    monkeypatch.setattr(sender, "resolver", fake)
    return fake


@pytest.fixture
def outside() -> Iterator[respx.MockRouter]:
    """The outside world: no request leaves without a route, and every request is kept."""
    with respx.mock(assert_all_called=False) as router:
        yield router
