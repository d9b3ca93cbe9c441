"""Every response's security headers, decided here and nowhere else.

A page of ours (the dashboard, the API's docs) runs only our own scripts: ``script-src 'self'``,
no inline script, no eval (HTMX's eval is switched off in base.html, its indicator styles moved
into dashboard.css), no style attribute either (progress bars take their width from
dashboard.js). Redoc draws its styles with styled-components, which inserts <style> elements:
its page allows them by a nonce made for each request (``csp_nonce``), never 'unsafe-inline';
the logo it would load from its CDN is refused, as everything from elsewhere is.
Anything that is not a page (JSON, problem+json, streams, files, scripts) gets a policy that
allows nothing, which matters when a browser is sent to one of them directly. No page may be
framed. The chat's script is loaded by other sites' pages: nothing here stops that (no
Cross-Origin-Resource-Policy), and its API answers them through the CORS policy."""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE_STATE = "csp_nonce"  # request.state's name for the nonce of this response


def _policy(**directives: str) -> str:
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


_PAGE = {
    "default_src": "'self'",
    "script_src": "'self'",
    "style_src": "'self'",
    "img_src": "'self' data:",  # Bootstrap draws its icons (toggler, select arrow) as data: SVG
    "font_src": "'self'",
    "connect_src": "'self'",
    "form_action": "'self'",
    "frame_ancestors": "'none'",
    "base_uri": "'none'",
    "object_src": "'none'",
}
PAGE_POLICY = _policy(**_PAGE)
NOT_A_PAGE_POLICY = _policy(default_src="'none'", frame_ancestors="'none'", base_uri="'none'")
# Pages whose address may carry a secret (a form token): the address is never sent on.
_TOKEN_PAGES = ("/chat/",)
_STYLED_PAGES = ("/redoc",)


def page_policy(path: str, nonce: str) -> str:
    if path in _STYLED_PAGES:
        # Redoc also loads a font it carries inside itself, as a data: address.
        styled = {"style_src": f"'self' 'nonce-{nonce}'", "font_src": "'self' data:"}
        return _policy(**{**_PAGE, **styled, "connect_src": "'self' data:"})
    return PAGE_POLICY


def headers_for(path: str, content_type: str, nonce: str) -> dict[str, str]:
    page = content_type.startswith("text/html")
    referrer = "strict-origin-when-cross-origin"
    if not page or path.startswith(_TOKEN_PAGES):
        referrer = "no-referrer"
    return {
        "Content-Security-Policy": page_policy(path, nonce) if page else NOT_A_PAGE_POLICY,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": referrer,
    }


class SecurityHeaders:
    """Pure ASGI middleware: the headers go on at the response's start, so streamed responses
    and server-sent events pass untouched. A header a route set itself is left as it is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})[NONCE_STATE] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                wanted = headers_for(scope["path"], headers.get("content-type", ""), nonce)
                for name, value in wanted.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
