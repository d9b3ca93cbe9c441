"""JSON bodies within limits, before anything parses them: at most so many bytes (fewer on the
routes strangers reach) and so deep. A body nested thousands of levels makes Python's parser
raise RecursionError, which no route would answer with anything but a 500."""

from __future__ import annotations

import json
import re

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadflow.exceptions import PayloadTooLarge
from leadflow.problems import PROBLEM_JSON

MAX_DEPTH = 32
MAX_BYTES = 1024 * 1024
MAX_PUBLIC_BYTES = 64 * 1024
# Reached by anyone, with no key: forms, the web chat (inbound webhooks keep their own 1 MiB).
PUBLIC_PREFIXES = ("/api/v1/forms/", "/api/v1/chat/")
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
# A string (escapes included) or one bracket: what a depth count must see, in C.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class TooDeep(ValueError):
    pass


class BodyTooLarge(ValueError):
    pass


def check_depth(body: bytes, *, limit: int = MAX_DEPTH) -> None:
    """Raises TooDeep when the JSON text nests arrays and objects more than ``limit`` deep.
    Brackets inside strings do not count."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return  # it cannot be deeper than it has brackets: most bodies stop here
    level = 0
    for token in _TOKENS.finditer(body):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            level += 1
            if level > limit:
                raise TooDeep(f"JSON may nest at most {limit} levels")
        elif bracket in (b"]", b"}"):
            level -= 1


async def capped_body(request: Request, limit: int, refusal: str) -> bytes:
    """The request's body, read no further than ``limit`` bytes (the declared length may be
    a lie); PayloadTooLarge with ``refusal`` past it."""
    if int(request.headers.get("content-length") or 0) > limit:
        raise PayloadTooLarge(refusal)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(refusal)
    request._body = bytes(body)  # Starlette's form parser reads a body already read from here
    return request._body


def is_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def limit_for(path: str) -> int:
    return MAX_PUBLIC_BYTES if path.startswith(PUBLIC_PREFIXES) else MAX_BYTES


class JsonBodyLimits:
    """Reads a JSON request's body within its size limit, checks its depth, and hands the
    application the same bytes; any other request passes untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not is_json(headers.get("content-type", "")):
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        try:
            body = await _read(receive, headers, limit)
            check_depth(body)
        except BodyTooLarge:
            await _refuse(send, 413, "Payload too large", f"a JSON body is at most {limit} bytes")
            return
        except TooDeep as error:
            await _refuse(send, 400, "Bad request", str(error))
            return
        await self.app(scope, _replay(body, receive), send)


async def _read(receive: Receive, headers: Headers, limit: int) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        body += message.get("body", b"")
        if len(body) > limit:
            raise BodyTooLarge
        if not message.get("more_body", False):
            break
    return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read, once; then whatever the client does next (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _refuse(send: Send, status: int, title: str, detail: str) -> None:
    payload = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    content = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(content)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})
