"""The dashboard's routes, put together, and its static files (vendored libraries included)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from leadflow.dashboard import (
    account_page,
    analytics_page,
    api_docs,
    board,
    conversations_page,
    imports_page,
    knowledge_page,
    lead_edits,
    lead_page,
    outbox_page,
    settings_page,
    signin,
    stages_page,
    welcome,
)
from leadflow.dashboard.pages import (
    STATIC,
    CsrfRefused,
    SignInRequired,
    csrf_refused,
    redirect,
    sign_in_required,
)
from leadflow.dashboard.sessions import COOKIE

router = APIRouter(include_in_schema=False)
router.include_router(signin.router)
router.include_router(board.router)
router.include_router(lead_page.router)
router.include_router(lead_edits.router)
router.include_router(outbox_page.router)
router.include_router(conversations_page.router)
router.include_router(analytics_page.router)
router.include_router(stages_page.router)
router.include_router(settings_page.router)
router.include_router(imports_page.router)
router.include_router(knowledge_page.router)
router.include_router(api_docs.router)
router.include_router(account_page.router)
router.include_router(welcome.router)


@router.get("/")
def home(request: Request) -> Response:
    return redirect("/board" if request.cookies.get(COOKIE) else "/signin", request)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(CsrfRefused, csrf_refused)
