"""Signing in, and passwords: checked with argon2, changed only with the current one given,
and guarded against guessing. Failed attempts back off per account (its normalised email) and
per address: a few go ahead at once, then each waits twice as long as the one before, up to a
cap. While an account must wait, not even its right password is checked."""

from __future__ import annotations

import secrets
from functools import cache

import structlog
from sqlalchemy.orm import Session

from leadflow.accounts import repository, sessions
from leadflow.accounts.repository import user_by_email
from leadflow.config import get_settings
from leadflow.exceptions import BadRequest, NotFound, TooManyRequests
from leadflow.kit.crypto import check_new_password, hash_password, verify_password
from leadflow.kit.emails import InvalidEmail, normalize_email
from leadflow.kit.ratelimit import Backoff, get_limiter
from leadflow.models import User, UserSession

log = structlog.get_logger()
WAIT_MESSAGE = "too many attempts to sign in; wait before trying again"


class WrongPassword(BadRequest):
    title = "Wrong password"


def sign_in(session: Session, *, email: str, password: str, address: str) -> User | None:
    """The person whose email and password these are, if they belong to any workspace.

    Raises TooManyRequests while the account or the address must wait."""
    account = account_key(email)
    by_account, by_address = _backoffs()
    _admit((by_account, account), (by_address, address))
    user = user_by_email(session, account)
    # A wrong email costs the same argon2 check as a wrong password: no telling which it was.
    if not verify_password(user.password_hash if user else _decoy(), password) or user is None:
        log.info("signin.refused", address=address)
        return None
    get_limiter().forget(by_account, account)
    get_limiter().take_back(by_address, address)
    return user if repository.workspaces_of(session, user.id) else None


def change_password(
    session: Session, *, user: User, current: str, new: str, keep: UserSession
) -> str:
    """Sets a new password once the current one is given; every other session of the person's
    ends, and ``keep`` (the browser asking) gets a new token, returned. A wrong current
    password counts as a failed sign-in."""
    account = account_key(user.email)
    by_account, _ = _backoffs()
    _admit((by_account, account))
    if not verify_password(user.password_hash, current):
        raise WrongPassword("the current password is not right")
    get_limiter().forget(by_account, account)
    check_new_password(new)
    user.password_hash = hash_password(new)
    ended = sessions.end_sessions(session, user_id=user.id, keep=keep)
    log.info("account.password_changed", user_id=user.id, sessions_ended=ended)
    return sessions.reissue(session, keep)


def set_password(session: Session, *, email: str, password: str) -> int:
    """Sets a person's password without the current one (the operator's CLI); every session of
    theirs ends. Returns how many were open."""
    check_new_password(password)
    user = find_user(session, email)
    user.password_hash = hash_password(password)
    ended = sessions.end_sessions(session, user_id=user.id)
    log.info("account.password_set", user_id=user.id, sessions_ended=ended)
    return ended


def sign_out_everywhere(session: Session, *, user_id: int) -> int:
    """Ends every session of the person's, this one too; returns how many were open."""
    ended = sessions.end_sessions(session, user_id=user_id)
    log.info("account.signed_out_everywhere", user_id=user_id, sessions_ended=ended)
    return ended


def find_user(session: Session, email: str) -> User:
    user = user_by_email(session, account_key(email))
    if user is None:
        raise NotFound(f"no user with email {email.strip()[:320]!r}")
    return user


def account_key(email: str) -> str:
    """The account an email names, however it was typed (case, spaces, mailto:)."""
    try:
        return normalize_email(email)[0].lower()
    except InvalidEmail:
        return email.strip().lower()


def _backoffs() -> tuple[Backoff, Backoff]:
    settings = get_settings()
    first, longest = settings.signin_first_wait_seconds, settings.signin_longest_wait_seconds
    kept = settings.signin_attempts_kept_seconds
    return (
        Backoff("signin-account", settings.signin_free_attempts, first, longest, kept),
        Backoff("signin-address", settings.signin_free_attempts_per_address, first, longest, kept),
    )


def _admit(*gates: tuple[Backoff, str]) -> None:
    """Counts an attempt against each key, or raises TooManyRequests if one must wait. Every
    gate is looked at before any attempt is counted: a refusal counts nothing."""
    limiter = get_limiter()
    for backoff, key in gates:
        if (wait := limiter.closed_for(backoff, key)) is not None:
            raise TooManyRequests(WAIT_MESSAGE, retry_after=wait)
    for backoff, key in gates:
        if (wait := limiter.attempt(backoff, key)) is not None:
            raise TooManyRequests(WAIT_MESSAGE, retry_after=wait)


@cache
def _decoy() -> str:
    return hash_password(secrets.token_urlsafe(16))
