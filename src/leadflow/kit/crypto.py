"""Passwords, API keys, tokens, and secrets sealed at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from leadflow.config import get_settings
from leadflow.exceptions import BadRequest

API_KEY_PREFIX = "lf_"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1000  # argon2 hashes any length; this bounds what a request may ask of it
_passwords = PasswordHasher()


def check_new_password(password: str) -> None:
    """The rule every new password meets, whoever sets it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise BadRequest(f"a password has at most {MAX_PASSWORD_LENGTH} characters")


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


def hash_token(token: str) -> str:
    """What is kept of a random token (a session's): its SHA-256, enough for 256 random bits."""
    return hashlib.sha256(token.encode()).hexdigest()


def fingerprint(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


class Unsealable(ValueError):
    """A sealed value that cannot be opened: tampered with, or sealed under a key that is
    neither the current secret key nor one of the previous ones."""


def seal(text: str) -> str:
    """Encrypts and authenticates ``text`` under the current secret key."""
    return _sealer(_keys()).encrypt(text.encode()).decode("ascii")


def unseal(token: str) -> str:
    """Opens a sealed value, sealed under the current key or any previous one."""
    try:
        return _sealer(_keys()).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise Unsealable(
            "this value was sealed under a secret key leadflow no longer has, or altered"
        ) from None


def reseal(token: str) -> str:
    """The same value sealed under the current key (it opens under any known key)."""
    try:
        return _sealer(_keys()).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise Unsealable(
            "this value was sealed under a secret key leadflow no longer has, or altered"
        ) from None


def is_sealed_under_current_key(token: str) -> bool:
    try:
        _fernet(_keys()[0]).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def derived_key(purpose: str) -> bytes:
    """A key of its own for each use of the secret key, so that no use can reveal another's."""
    return _derived(_keys()[0], purpose)


def sign(purpose: str, message: str) -> str:
    """An HMAC of ``message`` under the current key's key for ``purpose`` (URL-safe base64)."""
    return _mac(_derived(_keys()[0], purpose), message)


def signed_by_us(purpose: str, message: str, signature: str) -> bool:
    """Whether ``signature`` is ``sign(purpose, message)`` under the current or a previous
    key: what was signed before a rotation stays good until the old key is dropped."""
    given = signature.encode()
    return any(
        hmac.compare_digest(_mac(_derived(key, purpose), message).encode(), given)
        for key in _keys()
    )


def _mac(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _keys() -> tuple[str, ...]:
    return get_settings().secret_keys


@lru_cache(maxsize=16)
def _derived(secret_key: str, purpose: str) -> bytes:
    info = f"leadflow/{purpose}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret_key.encode()
    )


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived(secret_key, "seal/v1")))


@lru_cache(maxsize=4)
def _sealer(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in keys])
