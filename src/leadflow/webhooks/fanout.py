"""From committed events to deliveries: one per subscribed endpoint, in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.models import Event, WebhookDelivery, WebhookEndpoint
from leadflow.worker import enqueue

TEST_EVENT = "webhook.test"


def fan_out(session: Session, events: Sequence[Event]) -> None:
    workspace_ids = {event.workspace_id for event in events}
    endpoints = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.workspace_id.in_(workspace_ids), WebhookEndpoint.enabled.is_(True)
        )
    ).all()
    if not endpoints:
        return
    for event in events:
        for endpoint in endpoints:
            if endpoint.workspace_id == event.workspace_id and _subscribed(endpoint, event):
                delivery = WebhookDelivery(
                    workspace_id=event.workspace_id, endpoint_id=endpoint.id, event_id=event.id
                )
                session.add(delivery)
                session.flush()
                enqueue(session, "webhooks.deliver", event.workspace_id, delivery.id)


def _subscribed(endpoint: WebhookEndpoint, event: Event) -> bool:
    if event.type == TEST_EVENT:  # sent on request to one endpoint, whatever it subscribed to
        return bool(event.data.get("endpoint_id") == endpoint.id)
    return not endpoint.event_types or event.type in endpoint.event_types
