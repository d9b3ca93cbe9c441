"""Switching the process's secret keys in a test, and back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def keys_in_use(monkeypatch: pytest.MonkeyPatch, current: str, *previous: str) -> Iterator[None]:
    from leadflow.config import get_settings

    with monkeypatch.context() as patch:
        patch.setenv("LEADFLOW_SECRET_KEY", current)
        patch.setenv("LEADFLOW_PREVIOUS_SECRET_KEYS", ",".join(previous))
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()
