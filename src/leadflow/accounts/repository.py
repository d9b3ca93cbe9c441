from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from leadflow.models import ApiKey, User, UserSession, Workspace, WorkspaceMember


def active_key_by_hash(session: Session, key_hash: str) -> ApiKey | None:
    return session.scalar(
        select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    )


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def session_by_token_hash(session: Session, token_hash: str) -> UserSession | None:
    return session.scalar(select(UserSession).where(UserSession.token_hash == token_hash))


def live_sessions(session: Session, user_id: int, now: datetime) -> Sequence[UserSession]:
    return session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()


def revoke_sessions(
    session: Session, user_id: int, now: datetime, *, keep_id: int | None = None
) -> int:
    """Revokes the person's sessions still open (all but ``keep_id``); returns how many."""
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if keep_id is not None:
        statement = statement.where(UserSession.id != keep_id)
    return session.execute(statement).rowcount or 0  # type: ignore[attr-defined]


def mark_seen(session: Session, session_id: int, now: datetime, address: str) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.id == session_id)
        .values(last_seen_at=now, address=address)
        .execution_options(synchronize_session=False)
    )


def delete_sessions_ended_before(session: Session, before: datetime) -> None:
    session.execute(
        delete(UserSession).where(
            or_(UserSession.expires_at < before, UserSession.revoked_at < before)
        )
    )


def workspaces_of(session: Session, user_id: int) -> list[Workspace]:
    return list(
        session.scalars(
            select(Workspace)
            .join(WorkspaceMember, WorkspaceMember.workspace_id == Workspace.id)
            .where(WorkspaceMember.user_id == user_id)
            .order_by(Workspace.name, Workspace.id)
        )
    )
