"""What the webhook tests share: a fake DNS, and ways to look at and hurry deliveries."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select

from leadflow.db import get_sessionmaker
from leadflow.models import Job, JobState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from leadflow.models.base import utcnow
from leadflow.webhooks.tasks import deliver

PUBLIC_IP = "93.184.215.14"
HOOK_URL = f"https://{PUBLIC_IP}:443/leadflow"  # where hooks.example.com/leadflow is pinned


class FakeDns:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answers[host]


def reload_delivery(delivery_id: int) -> WebhookDelivery:
    with get_sessionmaker(writes=False)() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        return delivery


def reload_endpoint(endpoint_id: int) -> WebhookEndpoint:
    with get_sessionmaker(writes=False)() as session:
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        return endpoint


def deliveries_to(endpoint_id: int) -> list[WebhookDelivery]:
    with get_sessionmaker(writes=False)() as session:
        return list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.endpoint_id == endpoint_id)
                .order_by(WebhookDelivery.id)
            )
        )


def attempts_of(delivery_id: int) -> list[WebhookAttempt]:
    with get_sessionmaker(writes=False)() as session:
        return list(
            session.scalars(
                select(WebhookAttempt)
                .where(WebhookAttempt.delivery_id == delivery_id)
                .order_by(WebhookAttempt.id)
            )
        )


def queued_delivery_jobs(delivery_id: int) -> list[Job]:
    with get_sessionmaker(writes=False)() as session:
        jobs = session.scalars(
            select(Job).where(Job.name == "webhooks.deliver", Job.state == JobState.queued)  # type: ignore[attr-defined]
        )
        return [job for job in jobs if job.args[1] == delivery_id]


def bring_forward(delivery_id: int) -> None:
    """Makes the delivery's next attempt due now, as if its wait had passed."""
    now = utcnow() - timedelta(milliseconds=1)
    with get_sessionmaker()() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        delivery.next_attempt_at = now
        for job in session.scalars(
            select(Job).where(Job.name == "webhooks.deliver", Job.state == JobState.queued)  # type: ignore[attr-defined]
        ):
            if job.args[1] == delivery_id:
                job.run_after = now
        session.commit()


def run_delivery_job(workspace_id: int, delivery_id: int) -> None:
    """Runs the job function itself, as a worker would (one transaction)."""
    with get_sessionmaker()() as session:
        deliver(session, workspace_id, delivery_id)
        session.commit()
