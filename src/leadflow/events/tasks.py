"""Upkeep of the event log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from leadflow.models import Event
from leadflow.models.base import table, utcnow
from leadflow.worker.registry import periodic

KEEP_EVENTS = timedelta(days=90)


@periodic(minute="41", hour="3")
def prune_old_events(session: Session) -> None:
    events = table(Event)
    session.execute(delete(events).where(events.c.occurred_at < utcnow() - KEEP_EVENTS))
