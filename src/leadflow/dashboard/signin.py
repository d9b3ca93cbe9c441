"""Signing in and out, choosing the workspace to look at, and the language to read in."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from leadflow.accounts import repository as accounts_repository
from leadflow.accounts import service as accounts
from leadflow.accounts import sessions
from leadflow.config import get_settings
from leadflow.dashboard import i18n
from leadflow.dashboard.pages import ViewerDep, redirect, render
from leadflow.dashboard.sessions import drop_cookie, keep_cookie
from leadflow.demo import DemoSignIn, published_sign_in
from leadflow.dependencies import SessionDep
from leadflow.exceptions import NotFound, TooManyRequests
from leadflow.kit.client_address import client_address

router = APIRouter()


@router.get("/signin")
def signin_page(request: Request, session: SessionDep, next: str = "/board") -> Response:
    return render(
        request, None, "signin.html", next=_local(next), failed=False, demo=_demo(session)
    )


@router.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/board",
) -> Response:
    address = client_address(request)
    try:
        user = accounts.sign_in(session, email=email, password=password, address=address)
    except TooManyRequests as refused:
        return _refused(request, refused, next=next, email=email)
    if user is None:
        return render(
            request, None, "signin.html", status_code=401, next=_local(next), failed=True,
            email=email, demo=_demo(session),
        )  # fmt: skip
    workspace = accounts_repository.workspaces_of(session, user.id)[0]
    issued = sessions.open_session(
        session, user=user, workspace=workspace, address=address,
        user_agent=request.headers.get("user-agent", ""),
    )  # fmt: skip
    response = redirect(_local(next), request)
    keep_cookie(response, request, issued.token, issued.record)
    return response


@router.post("/signout")
def signout(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    sessions.end_session(session, viewer.user_session)
    response = redirect("/signin", request)
    drop_cookie(response)
    return response


@router.post("/workspace")
def switch_workspace(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    workspace_id: Annotated[int, Form()],
) -> Response:
    workspace = next((w for w in viewer.workspaces if w.id == workspace_id), None)
    if workspace is None:
        raise NotFound("workspace not found")
    token = sessions.reissue(session, viewer.user_session, workspace_id=workspace.id)
    response = redirect("/board", request)
    keep_cookie(response, request, token, viewer.user_session)
    return response


@router.post("/language")
def choose_language(
    request: Request,
    language: Annotated[str, Form(max_length=5)],
    next: Annotated[str, Form(max_length=2000)] = "/board",
) -> Response:
    response = redirect(_local(next), request)
    if language in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, language, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _refused(request: Request, refused: TooManyRequests, *, next: str, email: str) -> Response:
    """429 with Retry-After, and the wait said in the reader's language."""
    response = render(
        request, None, "signin.html", status_code=429, next=_local(next), failed=False,
        email=email, wait=i18n.duration(i18n.language_of(request), refused.retry_after),
    )  # fmt: skip
    response.headers.update(refused.headers)
    return response


def _demo(session: Session) -> DemoSignIn | None:
    """The demo's published sign-in, on a developer's own machine only."""
    if get_settings().environment != "development":
        return None
    return published_sign_in(session)


def _local(url: str) -> str:
    """Only a path of this site: never send someone elsewhere after signing in."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or url.startswith("//"):
        return "/board"
    return url
