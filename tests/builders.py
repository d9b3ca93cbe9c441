"""Builders for test data: each makes what a test needs and nothing it does not say."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from leadflow.identity.drafts import draft_from_fields
from leadflow.identity.service import intake
from leadflow.models import Conversation, Lead, Message, Workspace
from leadflow.models.base import utcnow
from leadflow.workspaces.service import create_api_key, create_workspace

_numbers = itertools.count(1)


def unique(prefix: str = "x") -> str:
    return f"{prefix}{next(_numbers)}-{id(_numbers) % 10000}"


def make_workspace(session: Session, *, region: str = "US", **fields: Any) -> Workspace:
    slug = fields.pop("slug", None) or unique("ws-")
    workspace = create_workspace(session, slug=slug, default_region=region, **fields)
    session.commit()
    return workspace


def make_api_key(session: Session, workspace: Workspace) -> str:
    _, plaintext = create_api_key(session, workspace=workspace, name="tests")
    session.commit()
    return plaintext


def make_lead(session: Session, workspace: Workspace, **fields: str) -> Lead:
    if not fields:
        fields = {"email": f"{unique('lead')}@example.com"}
    draft = draft_from_fields(fields, region=workspace.default_region)
    (outcome,) = intake(session, workspace.id, [draft], via="tests", actor="tests")
    session.commit()
    lead = session.get(Lead, outcome.lead_id)
    assert lead is not None
    return lead


def make_conversation(
    session: Session,
    lead: Lead,
    *said: tuple[str, str, float],
    channel: str = "sms",
    handled_by: str = "agent",
    taken_over_by: int | None = None,
) -> Conversation:
    """A conversation of the lead with its messages, each ``(direction, body, minutes_ago)``;
    its last message in and out are set from them as receiving and queueing set them. A
    conversation "taken" by a person (``handled_by="person"`` with ``taken_over_by``) was
    taken over; without it, the agent handed it off."""
    now = utcnow()
    conversation = Conversation(
        workspace_id=lead.workspace_id, lead_id=lead.id, channel=channel,
        address=f"{channel}:{lead.id}", handled_by=handled_by, taken_over_by=taken_over_by,
        taken_over_at=now if taken_over_by else None,
    )  # fmt: skip
    session.add(conversation)
    session.flush()
    for direction, body, minutes_ago in said:
        at = now - timedelta(minutes=minutes_ago)
        session.add(
            Message(
                workspace_id=lead.workspace_id, conversation_id=conversation.id, lead_id=lead.id,
                direction=direction, author="lead" if direction == "in" else "agent",
                channel=channel, body=body, status="received" if direction == "in" else "kept",
                provider="tests", created_at=at,
            )
        )  # fmt: skip
        if direction == "in":
            conversation.last_inbound_at = max(conversation.last_inbound_at or at, at)
        else:
            conversation.last_outbound_at = max(conversation.last_outbound_at or at, at)
    session.commit()
    return conversation


class Api:
    """A TestClient signed in as one workspace."""

    def __init__(self, client: TestClient, key: str, workspace: Workspace) -> None:
        self.client = client
        self.workspace = workspace
        self.headers = {"Authorization": f"Bearer {key}"}

    def __getattr__(self, method: str) -> Any:
        call = getattr(self.client, method)

        def send(url: str, **kwargs: Any) -> Any:
            kwargs["headers"] = {**self.headers, **kwargs.get("headers", {})}
            return call(url, **kwargs)

        return send


def settle_jobs(timeout: float = 60.0) -> None:
    """Runs every due background job here (beside any consumer that is running) until none is
    queued or running: the moment a test can look at what the jobs did."""
    import time

    from sqlalchemy import func, select

    from leadflow.db import get_sessionmaker
    from leadflow.models import Job, JobState
    from leadflow.models.base import utcnow
    from leadflow.worker.runner import run_due

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run_due()
        with get_sessionmaker(writes=False)() as session:
            busy = session.scalar(
                select(func.count())
                .select_from(Job)
                .where(
                    Job.state.in_([JobState.queued, JobState.running]),
                    Job.run_after <= utcnow(),
                )
            )
        if not busy:
            return
        time.sleep(0.05)
    raise AssertionError(f"background jobs still busy after {timeout} s")


def hurry_jobs() -> None:
    """Makes every queued job due now, as if its retry's wait had passed."""
    from sqlalchemy import update

    from leadflow.db import unit_of_work
    from leadflow.models import Job, JobState
    from leadflow.models.base import utcnow

    with unit_of_work() as session:
        session.execute(update(Job).where(Job.state == JobState.queued).values(run_after=utcnow()))


def make_dead_job(session: Session, workspace: Workspace, *, lead_id: int = 1) -> int:
    """A pipeline job of ``workspace`` that used up its retries; returns the dead letter's id."""
    from leadflow.models import DeadJob, Job, JobState

    args = [workspace.id, lead_id, "harvested"]
    job = Job(name="pipeline.run_stage", args=args, state=JobState.dead, attempts=5)
    session.add(job)
    session.flush()
    dead = DeadJob(
        job_id=job.id, workspace_id=workspace.id, name=job.name, args=args, attempts=5,
        error="RuntimeError: the enrichment provider was down",
    )  # fmt: skip
    session.add(dead)
    session.commit()
    return dead.id


def make_webhook_endpoint(
    session: Session,
    workspace: Workspace,
    *,
    url: str = "https://hooks.example.com/leadflow",
    event_types: tuple[str, ...] = (),
) -> tuple[Any, str]:
    """An endpoint of ``workspace`` and its signing secret."""
    from leadflow.webhooks.schemas import EndpointCreate
    from leadflow.webhooks.service import create_endpoint

    fields = EndpointCreate(url=url, event_types=list(event_types))
    endpoint, secret = create_endpoint(session, workspace_id=workspace.id, fields=fields)
    session.commit()
    return endpoint, secret


def make_webhook_delivery(
    session: Session, endpoint: Any, *, event_type: str = "lead.created", lead_id: int = 1
) -> Any:
    """A pending delivery of an event to ``endpoint``, with no job asked for it."""
    from leadflow.models import Event, WebhookDelivery

    event = Event(workspace_id=endpoint.workspace_id, type=event_type, lead_id=lead_id)
    session.add(event)
    session.flush()
    delivery = WebhookDelivery(
        workspace_id=endpoint.workspace_id, endpoint_id=endpoint.id, event_id=event.id
    )
    session.add(delivery)
    session.commit()
    return delivery
