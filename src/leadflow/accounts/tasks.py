"""Upkeep of dashboard sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from leadflow.accounts import repository
from leadflow.models.base import utcnow
from leadflow.worker.registry import periodic

# Kept a month after they end: when and from where an account was used, for whoever asks.
KEEP_ENDED_SESSIONS = timedelta(days=30)


@periodic(minute="23", hour="4")
def prune_ended_sessions(session: Session) -> None:
    repository.delete_sessions_ended_before(session, utcnow() - KEEP_ENDED_SESSIONS)
