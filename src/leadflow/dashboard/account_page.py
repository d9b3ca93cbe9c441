"""The person's own account: a new password (the current one first), the sessions open in
their name, and signing out everywhere."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from leadflow.accounts import service as accounts
from leadflow.accounts import sessions
from leadflow.dashboard import i18n
from leadflow.dashboard.pages import Viewer, ViewerDep, redirect, render
from leadflow.dashboard.sessions import drop_cookie, keep_cookie
from leadflow.dependencies import SessionDep
from leadflow.exceptions import LeadflowError, TooManyRequests
from leadflow.kit.crypto import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

router = APIRouter(prefix="/account")
NO_STORE = {"Cache-Control": "no-store"}
Password = Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)]


@router.get("")
def account(
    request: Request, viewer: ViewerDep, session: SessionDep, changed: bool = False
) -> Response:
    return _page(request, viewer, session, changed=changed)


@router.post("/password")
def change_password(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    current_password: Password,
    new_password: Password,
    confirm_password: Password,
) -> Response:
    if refusal := _new_password_refused(viewer, new_password, confirm_password):
        return _page(request, viewer, session, status_code=400, error=refusal)
    try:
        token = accounts.change_password(
            session, user=viewer.user, current=current_password, new=new_password,
            keep=viewer.user_session,
        )  # fmt: skip
    except TooManyRequests as refused:
        wait = i18n.duration(viewer.language, refused.retry_after)
        response = _page(request, viewer, session, 429, error=viewer.t("account.wait", wait=wait))
        response.headers.update(refused.headers)
        return response
    except accounts.WrongPassword:
        return _page(request, viewer, session, 400, error=viewer.t("account.wrong_current"))
    except LeadflowError as error:
        session.rollback()
        return _page(request, viewer, session, error.status, error=error.message)
    response = redirect("/account?changed=true", request)
    keep_cookie(response, request, token, viewer.user_session)
    return response


@router.post("/signout-everywhere")
def sign_out_everywhere(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    accounts.sign_out_everywhere(session, user_id=viewer.user.id)
    response = redirect("/signin", request)
    drop_cookie(response)
    return response


def _new_password_refused(viewer: Viewer, new: str, confirm: str) -> str | None:
    if new != confirm:
        return viewer.t("account.mismatch")
    if len(new) < MIN_PASSWORD_LENGTH:
        return viewer.t("account.too_short", length=MIN_PASSWORD_LENGTH)
    return None


def _page(
    request: Request, viewer: Viewer, session: Session, status_code: int = 200, **shown: Any
) -> Response:
    response = render(
        request, viewer, "account/index.html", status_code=status_code,
        sessions=sessions.live_sessions(session, user_id=viewer.user.id),
        min_length=MIN_PASSWORD_LENGTH, **shown,
    )  # fmt: skip
    response.headers.update(NO_STORE)
    return response
