"""Passwords, API keys, tokens, and secrets sealed at rest."""

from __future__ import annotations

import base64
import hashlib
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from leadflow.config import get_settings

API_KEY_PREFIX = "lf_"
_passwords = PasswordHasher()


def hash_password(password: str) -> str:
    return _passwords.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _passwords.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    # API keys carry 256 random bits, so a fast hash is enough; argon2 would cost every request.
    return hashlib.sha256(key.encode()).hexdigest()


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def fingerprint(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


class Unsealable(ValueError):
    """A sealed value that cannot be opened: tampered with, or sealed under another secret key."""


def seal(text: str) -> str:
    """Encrypts and authenticates ``text`` with a key derived from the app's secret key."""
    return _fernet(get_settings().secret_key).encrypt(text.encode()).decode("ascii")


def unseal(token: str) -> str:
    try:
        return _fernet(get_settings().secret_key).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise Unsealable("this value was sealed under another secret key, or altered") from None


def derived_key(purpose: str) -> bytes:
    """A key of its own for each use of the secret key, so that no use can reveal another's."""
    return _derived(get_settings().secret_key, purpose)


@lru_cache(maxsize=16)
def _derived(secret_key: str, purpose: str) -> bytes:
    info = f"leadflow/{purpose}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret_key.encode()
    )


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived(secret_key, "seal/v1")))
