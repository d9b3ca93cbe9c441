from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from leadflow.config import get_settings
from leadflow.db import unit_of_work
from leadflow.exceptions import LeadflowError
from leadflow.inbox import service
from leadflow.inbox.tasks import ask_for_drain
from leadflow.inbox.verifiers import Delivery

router = APIRouter(tags=["inbound webhooks"])
MAX_BODY_BYTES = 1024 * 1024


class PayloadTooLarge(LeadflowError):
    status = 413
    title = "Payload too large"


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
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge("a webhook body may be at most 1 MiB")
    delivery = Delivery(
        method=request.method,
        url=_called_url(request),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=body,
        content_type=request.headers.get("content-type", ""),
    )
    received = await run_in_threadpool(_keep, workspace_slug, provider, delivery)
    return InboundAck(received=True, duplicate=received.duplicate)


def _keep(workspace_slug: str, provider: str, delivery: Delivery) -> service.Received:
    with unit_of_work() as session:
        received = service.receive(
            session, workspace_slug=workspace_slug, provider=provider, delivery=delivery
        )
        if not received.duplicate:
            ask_for_drain(session)
    return received


def _called_url(request: Request) -> str:
    """The URL the provider signed: leadflow's public address when it sits behind a proxy."""
    public = get_settings().public_url.rstrip("/")
    if not public:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{public}{request.url.path}{query}"
