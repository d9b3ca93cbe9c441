"""The unsubscribe link's page and its one-click POST: public, for a stranger who means harm
(a signed link, a rate per address, nothing about the lead shown)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from leadflow.compliance import unsubscribe
from leadflow.config import get_settings
from leadflow.dependencies import SessionDep
from leadflow.kit.client_address import client_address
from leadflow.kit.ratelimit import Rate, enforce

router = APIRouter(tags=["compliance"], include_in_schema=False)
Token = Annotated[str, Path(max_length=200, pattern=r"^[0-9]{1,18}\.[A-Za-z0-9_=-]{1,100}$")]
_ASK = """<h1>Stop emails?</h1><p>Press the button to stop receiving our emails.</p>
<p dir="rtl" lang="ar">إيقاف الرسائل؟ اضغط الزر لإيقاف رسائلنا إليك.</p>
<form method="post"><button type="submit">Unsubscribe · إلغاء الاشتراك</button></form>"""
_DONE = """<h1>You are unsubscribed</h1><p>You will not receive our emails any more.</p>
<p dir="rtl" lang="ar"><strong>تم إلغاء الاشتراك.</strong> لن تصلك رسائلنا بعد الآن.</p>"""


@router.get("/unsubscribe/{token}")
def ask(token: Token, request: Request, session: SessionDep) -> HTMLResponse:
    """Asks before unsubscribing: a mail scanner following the link changes nothing."""
    _limit(request)
    unsubscribe.lead_of(session, token)
    return _page("Unsubscribe", _ASK)


@router.post("/unsubscribe/{token}")
def unsubscribe_now(token: Token, request: Request, session: SessionDep) -> HTMLResponse:
    """Withdraws the lead's consent: the link's button, or a mail client's one-click POST."""
    _limit(request)
    unsubscribe.unsubscribe(session, token)
    return _page("Unsubscribed", _DONE)


def _limit(request: Request) -> None:
    rate = Rate("unsubscribe", get_settings().form_rate_limit_per_minute)
    enforce(rate, client_address(request), message="too many requests; try again shortly")


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body>{body}</body></html>"
    )
