from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from leadflow.kit import fetch
from tests.webhooks.support import PUBLIC_IP, FakeDns


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    """Host names resolve from this table only: docs.example.com is public, the others not."""
    fake = FakeDns(
        {
            "docs.example.com": [PUBLIC_IP],
            "intranet.example.com": ["10.1.2.3"],
            "rebind.example.com": ["127.0.0.1"],
            "metadata.example.com": ["169.254.169.254"],
        }
    )
    monkeypatch.setattr(fetch, "resolver", fake)
    return fake


@pytest.fixture
def outside() -> Iterator[respx.MockRouter]:
    """The outside world: no request leaves without a route, and every request is kept."""
    with respx.mock(assert_all_called=False) as router:
        yield router
