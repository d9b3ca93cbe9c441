"""Dashboard sessions kept on the server. The browser holds a random token; the table holds
only its SHA-256, so a session ends when the server says so (signing out, a new password,
signing out everywhere), whatever a copied cookie says."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from leadflow.accounts import repository
from leadflow.kit.crypto import hash_token, new_token
from leadflow.models import User, UserSession, Workspace
from leadflow.models.base import utcnow

LIFETIME = timedelta(days=14)
# last_seen_at is written at most this often: on SQLite every write waits for the one writer.
SEEN_EVERY = timedelta(minutes=5)
_TOKEN_BYTES = 32
_LONGEST_TOKEN = 100


@dataclass(frozen=True)
class Issued:
    """A session and the token that stands for it: given to the browser once, kept hashed."""

    record: UserSession
    token: str


def open_session(
    session: Session, *, user: User, workspace: Workspace, user_agent: str, address: str
) -> Issued:
    """A new session of the person's, looking at ``workspace``."""
    token, now = new_token(_TOKEN_BYTES), utcnow()
    record = UserSession(
        user_id=user.id, workspace_id=workspace.id, token_hash=hash_token(token),
        user_agent=user_agent[:300], address=address[:64], created_at=now, last_seen_at=now,
        expires_at=now + LIFETIME,
    )  # fmt: skip
    session.add(record)
    session.flush()
    return Issued(record, token)


def live_session(
    session: Session, token: str | None, *, now: datetime | None = None
) -> UserSession | None:
    """The session the token stands for, unless it was revoked or has expired."""
    if not token or len(token) > _LONGEST_TOKEN:
        return None
    record = repository.session_by_token_hash(session, hash_token(token))
    if record is None or record.revoked_at is not None:
        return None
    return record if record.expires_at > (now or utcnow()) else None


def reissue(session: Session, record: UserSession, *, workspace_id: int | None = None) -> str:
    """A new token for the same session (looking at another workspace, if given): the old
    token, and every page holding the CSRF token derived from it, stop working."""
    token = new_token(_TOKEN_BYTES)
    record.token_hash = hash_token(token)
    if workspace_id is not None:
        record.workspace_id = workspace_id
    session.flush()
    return token


def end_session(session: Session, record: UserSession) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.flush()


def end_sessions(session: Session, *, user_id: int, keep: UserSession | None = None) -> int:
    """Ends every session of the person's (but ``keep``); returns how many were open."""
    return repository.revoke_sessions(
        session, user_id, utcnow(), keep_id=keep.id if keep is not None else None
    )


def live_sessions(session: Session, *, user_id: int) -> Sequence[UserSession]:
    """The person's sessions still open, the most recently seen first."""
    return repository.live_sessions(session, user_id, utcnow())


def seen_long_ago(record: UserSession, *, now: datetime | None = None) -> bool:
    return (now or utcnow()) - record.last_seen_at >= SEEN_EVERY


def note_seen(session: Session, *, session_id: int, address: str) -> None:
    repository.mark_seen(session, session_id, utcnow(), address[:64])
