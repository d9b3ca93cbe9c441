"""What every dashboard page shares: who is looking (signed in, or sent to sign in), the CSRF
check on every change, the words in their language, and rendering a template with all that."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from leadflow.accounts import sessions
from leadflow.compliance.policy import refusal_in
from leadflow.dashboard import formats, i18n
from leadflow.dashboard.sessions import COOKIE, SignedIn, signed_in
from leadflow.db import unit_of_work
from leadflow.dependencies import SessionDep
from leadflow.exceptions import LeadflowError
from leadflow.kit.client_address import client_address
from leadflow.leads.naming import display_name
from leadflow.models import User, UserSession, Workspace

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

templates = Jinja2Templates(directory=TEMPLATES)
templates.env.globals["display_name"] = display_name
templates.env.globals["refusal_in"] = refusal_in
formats.install(templates.env)


class SignInRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class CsrfRefused(Exception):
    pass


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, the workspace they are looking at, and how to speak to them."""

    user: User
    workspace: Workspace
    workspaces: list[Workspace]
    language: str
    csrf_token: str
    user_session: UserSession

    @property
    def direction(self) -> str:
        return i18n.direction(self.language)

    def t(self, key: str, **values: object) -> str:
        return i18n.translate(self.language, key, **values)


async def _csrf_sent(request: Request) -> str | None:
    """The CSRF token a changing request carries: HTMX sends it as a header, forms as a field."""
    if request.method in SAFE_METHODS:
        return None
    if sent := request.headers.get(CSRF_HEADER):
        return sent
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def _viewer(
    request: Request,
    session: SessionDep,
    csrf_sent: Annotated[str | None, Depends(_csrf_sent)],
) -> Viewer:
    return _viewer_in(request, session, csrf_sent)


def _viewer_read(request: Request, csrf_sent: Annotated[str | None, Depends(_csrf_sent)]) -> Viewer:
    with unit_of_work(writes=False) as session:
        return _viewer_in(request, session, csrf_sent, reads_only=True)


def _viewer_in(
    request: Request, session: Session, csrf_sent: str | None, *, reads_only: bool = False
) -> Viewer:
    signed = signed_in(session, request.cookies.get(COOKIE))
    if signed is None:
        raise SignInRequired(_here(request))
    if request.method not in SAFE_METHODS and csrf_sent != signed.csrf_token:
        raise CsrfRefused()
    if sessions.seen_long_ago(signed.record):
        _note_seen(request, session, signed, reads_only=reads_only)
    return Viewer(
        user=signed.user,
        workspace=signed.workspace,
        workspaces=signed.workspaces,
        language=i18n.language_of(request),
        csrf_token=signed.csrf_token,
        user_session=signed.record,
    )


def _note_seen(request: Request, session: Session, signed: SignedIn, *, reads_only: bool) -> None:
    """A change writes in the request's own transaction; a page view only reads, so it writes
    in a short one of its own (a reader may not turn writer on SQLite)."""
    address = client_address(request)
    if request.method not in SAFE_METHODS and not reads_only:
        sessions.note_seen(session, session_id=signed.record.id, address=address)
        return
    with unit_of_work() as writer:
        sessions.note_seen(writer, session_id=signed.record.id, address=address)


ViewerDep = Annotated[Viewer, Depends(_viewer)]
# For a change that prepares work before it writes (an upload kept and read): the viewer, from
# a short read-only session of its own, so that the page's writing begins, and on SQLite the
# single writer is taken, only once there is something to write.
ViewerReadDep = Annotated[Viewer, Depends(_viewer_read)]


def render(
    request: Request, viewer: Viewer | None, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    language = viewer.language if viewer else i18n.language_of(request)
    return templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "language": language,
            "direction": i18n.direction(language),
            "languages": i18n.LANGUAGES,
            "t": lambda key, **values: i18n.translate(language, key, **values),
            "now": datetime.now(UTC),
            "zone": viewer.workspace.time_zone if viewer else formats.DEFAULT_ZONE,
            **context,
        },
        status_code=status_code,
    )


def not_found(request: Request, viewer: Viewer, detail: str | None = None) -> HTMLResponse:
    """The 404 page: for an id of another workspace as for one that never was."""
    return render(request, viewer, "not_found.html", status_code=404, detail=detail)


def unavailable(request: Request, error: LeadflowError) -> Response:
    """The page for a request that cannot be answered for now (the database is away)."""
    retry_after = error.headers.get("Retry-After", "5")
    page = render(request, None, "unavailable.html", error.status, retry_after=retry_after)
    page.headers.update(error.headers)
    return page


def redirect(url: str, request: Request) -> Response:
    """Goes to ``url``: an HTMX request is told to, a plain one is redirected (303)."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return redirect(f"/signin?next={quote(exc.next_url, safe='/')}", request)


def csrf_refused(request: Request, exc: Exception) -> Response:
    return render(request, None, "refused.html", status_code=403)


def _here(request: Request) -> str:
    if request.headers.get("hx-request") or request.method not in SAFE_METHODS:
        # A fragment or a change is no place to come back to: the page it was made from is.
        current = urlsplit(request.headers.get("hx-current-url", "/board"))
        return current.path + (f"?{current.query}" if current.query else "")
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")
