"""The settings' secret key: written once to the data directory when none is configured,
refused when weak outside development, and listed with the keys it replaced."""

from __future__ import annotations

import os
import stat

import pytest
from pydantic import ValidationError

from leadflow import config
from leadflow.config import MissingSecretKey, Settings

STRONG = "k" * 40


def settings(tmp_path, **fields) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **fields)


def test_no_key_configured_and_none_written_is_refused_when_a_key_is_needed(tmp_path):
    with pytest.raises(MissingSecretKey, match="leadflow init"):
        settings(tmp_path, secret_key="").secret_keys  # noqa: B018


def test_the_key_written_to_the_data_directory_is_random_private_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("LEADFLOW_SECRET_KEY")
    monkeypatch.setenv("LEADFLOW_DATA_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    try:
        first = config.ensure_secret_key().secret_key
        again = config.ensure_secret_key().secret_key
    finally:
        config.get_settings.cache_clear()
    assert first == again
    assert len(first) >= 48
    key_file = tmp_path / config.SECRET_KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert settings(tmp_path, secret_key="").secret_key == first
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert settings(other, secret_key="").secret_key == ""  # nothing fixed, nothing shared


@pytest.mark.parametrize("weak", [config.PLACEHOLDER_SECRET, "short-key"])
def test_a_weak_key_is_refused_outside_development(tmp_path, weak):
    with pytest.raises(ValidationError, match="placeholder or shorter"):
        settings(tmp_path, secret_key=weak, environment="production")
    assert settings(tmp_path, secret_key=weak, environment="development").secret_key == weak


def test_previous_keys_come_after_the_current_one(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADFLOW_PREVIOUS_SECRET_KEYS", " old-one , older ,")
    configured = settings(tmp_path, secret_key=STRONG)
    assert configured.secret_keys == (STRONG, "old-one", "older")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("10.0.0.5", False), ("leads.example.com", False)],
)  # fmt: skip
def test_loopback_addresses(host, loopback):
    assert config.is_loopback(host) is loopback
