from __future__ import annotations

import asyncio
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from leadflow.bodies import capped_body
from leadflow.config import get_settings
from leadflow.db import get_sessionmaker
from leadflow.inbox import service
from leadflow.inbox.senders import remembered
from leadflow.inbox.writer import inbox_writer
from leadflow.integrations.inbound import Delivery

router = APIRouter(tags=["inbound webhooks"])
MAX_BODY_BYTES = 1024 * 1024


class InboundAck(BaseModel):
    received: bool
    duplicate: bool


Slug = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Provider = Annotated[str, Path(max_length=40, pattern=r"^[a-z0-9_-]+$")]


@router.post(
    "/inbound/{workspace_slug}/{provider}",
    response_model=InboundAck,
    responses={401: {"description": "signature rejected"}, 404: {"description": "no connection"}},
)
async def receive_webhook(workspace_slug: Slug, provider: Provider, request: Request) -> InboundAck:
    """A provider's callback: verified, kept and committed before this answer; handled in a job."""
    body = await capped_body(request, MAX_BODY_BYTES, "a webhook body may be at most 1 MiB")
    delivery = Delivery(
        method=request.method,
        url=_called_url(request),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=body,
        content_type=request.headers.get("content-type", ""),
    )
    admit = partial(
        service.admit, _reader, workspace_slug=workspace_slug, provider=provider, delivery=delivery
    )
    # Verifying is a few microseconds of hashing: only a database read is worth a thread.
    known = remembered(
        workspace_slug, provider, platform_only=service.from_platform_account(delivery)
    )
    row = admit() if known else await run_in_threadpool(admit)
    received = await asyncio.wrap_future(inbox_writer().keep(row))
    return InboundAck(received=True, duplicate=received.duplicate)


def _reader() -> Session:
    return get_sessionmaker(writes=False)()


def _called_url(request: Request) -> str:
    """The URL the provider signed: leadflow's public address when it sits behind a proxy."""
    public = get_settings().public_url.rstrip("/")
    if not public:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{public}{request.url.path}{query}"
