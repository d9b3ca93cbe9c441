"""What a verified callback means to leadflow. Its vendor reads it into our types
(an ``InboundMessage``, a ``StatusUpdate``); the capability that owns each type registers its
handler here, once, by the type (the conversations take messages and their statuses). A
callback of a vendor that reads none of its callbacks is announced on the event log, so it is
seen, and kept, so a later handler can be replayed over it. A type nobody handles is an
error: the delivery fails, visibly, rather than being marked handled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from sqlalchemy.orm import Session

from leadflow.events.service import record
from leadflow.integrations.inbound import Delivery
from leadflow.integrations.vendors import vendor
from leadflow.models import InboundWebhook

log = structlog.get_logger()
Handler = Callable[[Session, InboundWebhook, Any], None]
C = TypeVar("C")
HANDLERS: dict[type, Handler] = {}


class Unhandled(LookupError):
    """A callback read into a type no capability handles (its module was not loaded)."""


def handles(kind: type[C]) -> Callable[[Callable[[Session, InboundWebhook, C], None]], Handler]:
    def register(handler: Callable[[Session, InboundWebhook, C], None]) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register


def handle(session: Session, delivery: InboundWebhook) -> None:
    """Reads the delivery with its vendor's parser and hands each thing it says to its
    handler; announces a delivery its vendor does not read."""
    known = vendor(delivery.provider)
    if known is None or known.parse is None:
        announce(session, delivery)
        return
    for said in known.parse(as_received(delivery)):
        handler = HANDLERS.get(type(said))
        if handler is None:
            raise Unhandled(f"nothing handles a {type(said).__name__} from {delivery.provider}")
        handler(session, delivery, said)


def as_received(delivery: InboundWebhook) -> Delivery:
    headers = {name: str(value) for name, value in (delivery.headers or {}).items()}
    return Delivery(
        method="POST",
        url=delivery.url or "",
        headers=headers,
        body=delivery.body,
        content_type=headers.get("content-type", ""),
    )


def announce(session: Session, delivery: InboundWebhook) -> None:
    record(
        session,
        delivery.workspace_id,
        "webhook.received",
        provider=delivery.provider,
        event_id=delivery.event_id,
        inbox_id=delivery.id,
    )
