"""Sealing and signing across a key rotation: what the old key sealed or signed still opens
and verifies while it is listed as a previous key, and reseals under the new one."""

from __future__ import annotations

import pytest

from leadflow.kit import crypto
from tests.secret_keys import keys_in_use

OLD, NEW = "o" * 48, "n" * 48


def test_a_value_sealed_under_the_old_key_opens_after_rotation(monkeypatch):
    with keys_in_use(monkeypatch, OLD):
        sealed = crypto.seal("twilio auth token")
        signature = crypto.sign("chat/visitor/v2", "42")
    with keys_in_use(monkeypatch, NEW, OLD):
        assert crypto.unseal(sealed) == "twilio auth token"
        assert crypto.signed_by_us("chat/visitor/v2", "42", signature)
        assert not crypto.is_sealed_under_current_key(sealed)
        resealed = crypto.reseal(sealed)
        assert crypto.is_sealed_under_current_key(resealed)
        assert crypto.sign("chat/visitor/v2", "42") != signature
    with keys_in_use(monkeypatch, NEW):
        assert crypto.unseal(resealed) == "twilio auth token"
        assert not crypto.signed_by_us("chat/visitor/v2", "42", signature)
        with pytest.raises(crypto.Unsealable):
            crypto.unseal(sealed)


def test_a_signature_is_bound_to_its_purpose_and_message(monkeypatch):
    with keys_in_use(monkeypatch, NEW):
        signature = crypto.sign("chat/visitor/v2", "42")
        assert crypto.signed_by_us("chat/visitor/v2", "42", signature)
        assert not crypto.signed_by_us("chat/visitor/v2", "43", signature)
        assert not crypto.signed_by_us("unsubscribe/v1", "42", signature)
        assert not crypto.signed_by_us("chat/visitor/v2", "42", signature[:-1] + "A")
