"""Signing in and out, choosing the workspace to look at, and the language to read in."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from leadflow.config import get_settings
from leadflow.dashboard import i18n
from leadflow.dashboard.pages import ViewerDep, redirect, render
from leadflow.dashboard.sessions import COOKIE, LIFETIME_SECONDS, sign_in, token_for, workspaces_of
from leadflow.dependencies import SessionDep
from leadflow.exceptions import NotFound

router = APIRouter()


@router.get("/signin")
def signin_page(request: Request, next: str = "/board") -> Response:
    return render(request, None, "signin.html", next=_local(next), failed=False)


@router.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/board",
) -> Response:
    user = sign_in(session, email, password)
    if user is None:
        return render(
            request, None, "signin.html", status_code=401, next=_local(next), failed=True,
            email=email,
        )  # fmt: skip
    response = redirect(_local(next), request)
    _keep(response, token_for(user, workspaces_of(session, user)[0]), request)
    return response


@router.post("/signout")
def signout(request: Request, viewer: ViewerDep) -> Response:
    response = redirect("/signin", request)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/workspace")
def switch_workspace(
    request: Request,
    viewer: ViewerDep,
    workspace_id: Annotated[int, Form()],
) -> Response:
    workspace = next((w for w in viewer.workspaces if w.id == workspace_id), None)
    if workspace is None:
        raise NotFound("workspace not found")
    response = redirect("/board", request)
    _keep(response, token_for(viewer.user, workspace), request)
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


def _keep(response: Response, token: str, request: Request) -> None:
    response.set_cookie(
        COOKIE, token, max_age=LIFETIME_SECONDS, path="/", httponly=True, samesite="lax",
        secure=request.url.scheme == "https" or get_settings().environment == "production",
    )  # fmt: skip


def _local(url: str) -> str:
    """Only a path of this site: never send someone elsewhere after signing in."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or url.startswith("//"):
        return "/board"
    return url
