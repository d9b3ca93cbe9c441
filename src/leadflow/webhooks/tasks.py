"""Delivery jobs: one attempt per run, and a sweep for deliveries the queue lost."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.db import get_sessionmaker
from leadflow.events.subscriptions import watch
from leadflow.webhooks import sender, service
from leadflow.webhooks.fanout import fan_out
from leadflow.worker.registry import job, periodic


@job("webhooks.deliver", formerly="webhooks.tasks.deliver")
def deliver(session: Session, workspace_id: int, delivery_id: int) -> None:
    """Makes the delivery's next attempt if it is due, and records what came back.

    ``session`` is not touched until the answer is in: on SQLite its first query takes the write
    lock, which must not be held across a call to someone else's server."""
    with get_sessionmaker(writes=False)() as reader:
        message = service.message_due(reader, workspace_id=workspace_id, delivery_id=delivery_id)
    if message is None:
        return
    result = sender.send(message)
    service.record_attempt(
        session, workspace_id=workspace_id, delivery_id=delivery_id, result=result
    )


@periodic(minute="*/10")
def requeue_lost_deliveries(session: Session) -> None:
    service.requeue_lost(session)


# Every event written reaches the workspace's endpoints that subscribed to it, in the same
# transaction: a delivery per endpoint, each sent by a job.
watch(fan_out)
