"""The one path for every provider callback: verify, keep the raw bytes, deduplicate on the
provider's event id, commit, answer; handle later in a job."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.orm import Session

from leadflow.connections.service import vendor_named
from leadflow.db import database_unavailable
from leadflow.exceptions import NotFound
from leadflow.inbox import repository
from leadflow.inbox.handlers import handle
from leadflow.inbox.senders import sender
from leadflow.integrations.inbound import ACCOUNT_PARAMETER, PLATFORM_ACCOUNT, Delivery
from leadflow.models import InboundWebhook, InboxState
from leadflow.models.base import utcnow

log = structlog.get_logger()
# Headers worth keeping with the body: what a handler or an audit may need, never credentials.
_KEPT_HEADERS = frozenset(
    {"content-type", "user-agent", "webhook-id", "webhook-timestamp", "x-twilio-signature",
     "x-hubspot-request-timestamp", "i-twilio-idempotency-token"}
)  # fmt: skip


@dataclass(frozen=True)
class Received:
    inbox_id: int
    duplicate: bool


def admit(
    session_factory: Callable[[], Session],
    *,
    workspace_slug: str,
    provider: str,
    delivery: Delivery,
) -> dict[str, Any]:
    """The inbox row for a delivery its sender signed; refuses anything else. Reads the database
    only when the sender's settings are not remembered."""
    vendor = vendor_named(provider)  # names the known providers in its 404
    if vendor.verify is None:
        raise NotFound(f"{provider} does not send webhooks to leadflow")
    allowed = sender(
        session_factory, workspace_slug, provider, platform_only=from_platform_account(delivery)
    )
    event_id = vendor.verify(delivery, allowed.settings, time.time())
    return {
        "workspace_id": allowed.workspace_id,
        "provider": provider,
        "event_id": event_id,
        "url": delivery.url,
        "headers": {k: v for k, v in delivery.headers.items() if k in _KEPT_HEADERS},
        "body": delivery.body,
        "received_at": utcnow(),
        "state": InboxState.received,
        "attempts": 0,
    }


def from_platform_account(delivery: Delivery) -> bool:
    """Whether the callback is about what the platform's account sent (its URL says so, and
    its signature covers the URL): it is checked against that account, not the workspace's."""
    return delivery.query().get(ACCOUNT_PARAMETER) == PLATFORM_ACCOUNT


def keep(session: Session, row: dict[str, Any]) -> Received:
    """Keeps an admitted delivery once; a repeat of the same event id is acknowledged only."""
    inbox_id = repository.keep(session, row)
    if inbox_id is None:
        kept_before = repository.find(
            session, row["workspace_id"], row["provider"], row["event_id"]
        )
        return Received(inbox_id=kept_before or 0, duplicate=True)
    return Received(inbox_id=inbox_id, duplicate=False)


def handle_waiting(
    session: Session, *, limit: int = 200, older_than: timedelta | None = None
) -> int:
    """Handles deliveries still waiting: all together, and if one of them fails, again one by
    one, each in a savepoint, so that the failed one is marked (with its error) and the others
    go on."""
    cutoff = utcnow() - older_than if older_than is not None else None
    deliveries = repository.waiting(session, limit=limit, older_than=cutoff)
    try:
        with session.begin_nested():
            for delivery in deliveries:
                delivery.attempts += 1
                handle(session, delivery)
                _handled(delivery)
    except Exception as error:
        if database_unavailable(error):
            raise  # nothing can be handled or marked now; the job is tried again later
        for delivery in deliveries:
            _handle_alone(session, delivery)
    return len(deliveries)


def _handled(delivery: InboundWebhook) -> None:
    delivery.state, delivery.handled_at, delivery.error = InboxState.handled, utcnow(), None


def _handle_alone(session: Session, delivery: InboundWebhook) -> None:
    delivery.attempts += 1
    try:
        with session.begin_nested():
            handle(session, delivery)
    except Exception as error:
        delivery.state, delivery.error = (
            InboxState.failed,
            f"{type(error).__name__}: {error}"[:2000],
        )
        log.warning("inbox.handler_failed", inbox_id=delivery.id, error=delivery.error)
        return
    _handled(delivery)
