"""Who is signed in: a cookie the server signed, naming the person and the workspace they are
looking at, and bound to their password (changing it ends every session). The cookie is
HttpOnly and SameSite=Lax; every request that changes something must also carry the session's
CSRF token, which only the pages the server renders hold."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.identity.keys import InvalidEmail, normalize_email
from leadflow.kit.crypto import derived_key, hash_password, verify_password
from leadflow.models import User, Workspace, WorkspaceMember
from leadflow.workspaces.repository import user_by_email

COOKIE = "leadflow_session"
LIFETIME_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True)
class SignedIn:
    user: User
    workspace: Workspace
    token: str

    @property
    def csrf_token(self) -> str:
        return _mac("dashboard/csrf/v1", self.token)[:43]


def sign_in(session: Session, email: str, password: str) -> User | None:
    """The person whose email and password these are, if they belong to any workspace."""
    try:
        user = user_by_email(session, normalize_email(email)[0])
    except InvalidEmail:
        user = None
    # A wrong email costs the same argon2 check as a wrong password: no telling which it was.
    if not verify_password(user.password_hash if user else _decoy(), password) or user is None:
        return None
    return user if workspaces_of(session, user) else None


def workspaces_of(session: Session, user: User) -> list[Workspace]:
    return list(
        session.scalars(
            select(Workspace)
            .join(WorkspaceMember, WorkspaceMember.workspace_id == Workspace.id)
            .where(WorkspaceMember.user_id == user.id)
            .order_by(Workspace.name, Workspace.id)
        )
    )


def token_for(user: User, workspace: Workspace, *, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    payload = f"{user.id}:{workspace.id}:{issued}"
    encoded = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return f"{encoded}.{_signature(payload, user)}"


def signed_in(session: Session, token: str | None, *, now: float | None = None) -> SignedIn | None:
    """The session the token stands for, if it is genuine, current, and its person still
    belongs to its workspace."""
    if not token or token.count(".") != 1:
        return None
    encoded, signature = token.split(".")
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        user_id, workspace_id, issued = (int(part) for part in payload.split(":"))
    except ValueError:
        return None
    if (time.time() if now is None else now) - issued > LIFETIME_SECONDS:
        return None
    user = session.get(User, user_id)
    if user is None or not hmac.compare_digest(signature, _signature(payload, user)):
        return None
    workspace = next((w for w in workspaces_of(session, user) if w.id == workspace_id), None)
    return SignedIn(user, workspace, token) if workspace is not None else None


def _signature(payload: str, user: User) -> str:
    # The password hash takes part, so a new password makes every earlier cookie worthless.
    return _mac("dashboard/session/v1", f"{payload}|{user.password_hash}")


def _mac(purpose: str, message: str) -> str:
    digest = hmac.new(derived_key(purpose), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@cache
def _decoy() -> str:
    return hash_password(secrets.token_urlsafe(16))
