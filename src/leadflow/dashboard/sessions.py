"""Who is signed in to the dashboard: the cookie holds the token of a session kept on the server
(accounts/sessions.py), naming the person and the workspace they are looking at. The cookie is
HttpOnly and SameSite=Lax; every request that changes something must also carry the session's
CSRF token, derived from the session's token, which only the pages the server renders hold."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy.orm import Session

from leadflow.accounts import repository, sessions
from leadflow.config import get_settings
from leadflow.kit.crypto import sign
from leadflow.models import User, UserSession, Workspace
from leadflow.models.base import utcnow

COOKIE = "leadflow_session"


@dataclass(frozen=True)
class SignedIn:
    record: UserSession
    user: User
    workspace: Workspace
    workspaces: list[Workspace]
    token: str

    @property
    def csrf_token(self) -> str:
        return csrf_token_of(self.token)


def signed_in(session: Session, token: str | None) -> SignedIn | None:
    """The session the cookie's token stands for, if it is open and its person still belongs
    to the workspace it looks at."""
    record = sessions.live_session(session, token)
    if record is None or token is None:
        return None
    user = session.get(User, record.user_id)
    workspaces = repository.workspaces_of(session, record.user_id)
    workspace = next((w for w in workspaces if w.id == record.workspace_id), None)
    if user is None or workspace is None:
        return None
    return SignedIn(record, user, workspace, workspaces, token)


def csrf_token_of(token: str) -> str:
    return sign("dashboard/csrf/v1", token)


def keep_cookie(response: Response, request: Request, token: str, record: UserSession) -> None:
    """Gives the browser the session's token, for as long as the session lasts."""
    lasts = max(0, int((record.expires_at - utcnow()).total_seconds()))
    response.set_cookie(
        COOKIE, token, max_age=lasts, path="/", httponly=True, samesite="lax",
        secure=request.url.scheme == "https" or get_settings().environment == "production",
    )  # fmt: skip


def drop_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")
