"""What each provider's callbacks mean to leadflow. Capabilities register their handler here
(the conversations capability handles Twilio messages); until one does, a callback is announced
on the event log, so it is seen, and kept, so a later handler can be replayed over it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from leadflow.events.service import record
from leadflow.models import InboundWebhook

Handler = Callable[[Session, InboundWebhook], None]
HANDLERS: dict[str, Handler] = {}


def handles(provider: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[provider] = handler
        return handler

    return register


def announce(session: Session, delivery: InboundWebhook) -> None:
    record(
        session,
        delivery.workspace_id,
        "webhook.received",
        provider=delivery.provider,
        event_id=delivery.event_id,
        inbox_id=delivery.id,
    )


def handler_for(provider: str) -> Handler:
    return HANDLERS.get(provider, announce)
