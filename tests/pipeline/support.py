"""Leads sent down the pipeline, and what it did to them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.models import Activity, Event, Job, Lead, LeadStage
from leadflow.pipeline import stages


def arrive(api: Any, **fields: str) -> int:
    """A lead created through the API (which starts its pipeline); its id."""
    created = api.post("/api/v1/leads", json=fields)
    assert created.status_code == 201, created.text
    return int(created.json()["lead"]["id"])


def lead(session: Session, lead_id: int) -> Lead:
    session.expire_all()
    found = session.get(Lead, lead_id)
    assert found is not None
    return found


def stage_changes(session: Session, lead_id: int, *, after: int = 0) -> list[tuple[str, str]]:
    """(stage, previous) for each ``lead.stage_changed`` event of the lead, in order."""
    rows = session.scalars(
        select(Event)
        .where(Event.lead_id == lead_id, Event.type == "lead.stage_changed", Event.id > after)
        .order_by(Event.id)
    )
    return [(row.data["stage"], row.data["previous"]) for row in rows]


def last_event_id(session: Session) -> int:
    return session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0


def learned(session: Session, lead_id: int, stage: str | None = None) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Activity)
        .where(Activity.lead_id == lead_id, Activity.kind == "pipeline.learned")
        .order_by(Activity.id)
    )
    return [row.data for row in rows if stage is None or row.data["stage"] == stage]


def stage_jobs(session: Session, workspace_id: int, lead_id: int) -> list[Job]:
    """The lead's stage jobs, oldest first."""
    session.expire_all()
    rows = session.scalars(
        select(Job)
        .where(Job.workspace_id == workspace_id, Job.name == "pipeline.run_stage")
        .order_by(Job.id)
    )
    return [row for row in rows if row.args[1] == lead_id]


@contextmanager
def extra_step(
    stage: LeadStage,
    work: Callable[..., str | None],
    label: str = "a test step",
    prepare: stages.Prepare | None = None,
) -> Iterator[stages.Step]:
    """A step a capability would declare, for as long as the block runs."""
    declared = stages.step(stage, label, prepare=prepare)(work)
    try:
        yield declared
    finally:
        stages.STEPS[stage].remove(declared)


# Every stage change of a lead that goes all the way: (stage entered, stage left).
ALL_THE_WAY = [
    ("enriching", "harvested"),
    ("qualifying", "enriching"),
    ("strategizing", "qualifying"),
    ("finalizing", "strategizing"),
    ("completed", "finalizing"),
]
