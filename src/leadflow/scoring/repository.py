from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from leadflow.models import Activity, IcpRule, Lead, ScoringModel
from leadflow.scoring.intent import WEIGHTS


def rules(session: Session, workspace_id: int, *, enabled_only: bool = False) -> Sequence[IcpRule]:
    query = select(IcpRule).where(IcpRule.workspace_id == workspace_id).order_by(IcpRule.id)
    if enabled_only:
        query = query.where(IcpRule.enabled.is_(True))
    return session.scalars(query).all()


def rule(session: Session, workspace_id: int, rule_id: int) -> IcpRule | None:
    return session.scalars(
        select(IcpRule).where(IcpRule.id == rule_id, IcpRule.workspace_id == workspace_id)
    ).first()


def scored_leads(session: Session, workspace_id: int, *, after: int, limit: int) -> Sequence[Lead]:
    """The workspace's leads that have a score, by id after ``after``, with their companies."""
    return session.scalars(
        select(Lead)
        .where(Lead.workspace_id == workspace_id, Lead.id > after, Lead.scored_at.is_not(None))
        .options(selectinload(Lead.company))
        .order_by(Lead.id)
        .limit(limit)
    ).all()


def leads(session: Session, workspace_id: int, lead_ids: Sequence[int]) -> Sequence[Lead]:
    return session.scalars(
        select(Lead).where(Lead.workspace_id == workspace_id, Lead.id.in_(lead_ids))
    ).all()


def signals_of(session: Session, lead_ids: Sequence[int]) -> dict[int, list[Activity]]:
    """Each lead's timeline entries that say something about intent, in the order they came."""
    entries = session.scalars(
        select(Activity)
        .where(Activity.lead_id.in_(lead_ids), Activity.kind.in_(list(WEIGHTS)))
        .order_by(Activity.lead_id, Activity.occurred_at, Activity.id)
    )
    timelines: dict[int, list[Activity]] = {}
    for entry in entries:
        timelines.setdefault(entry.lead_id, []).append(entry)
    return timelines


def latest_of(session: Session, lead_ids: Sequence[int], kind: str) -> dict[int, Activity]:
    """Each lead's latest timeline entry of ``kind``, for the leads that have one."""
    entries = session.scalars(
        select(Activity)
        .where(Activity.lead_id.in_(lead_ids), Activity.kind == kind)
        .order_by(Activity.occurred_at, Activity.id)
    )
    return {entry.lead_id: entry for entry in entries}


def score_history(session: Session, workspace_id: int, lead_id: int) -> Sequence[Activity]:
    return session.scalars(
        select(Activity)
        .where(
            Activity.workspace_id == workspace_id,
            Activity.lead_id == lead_id,
            Activity.kind == "score.changed",
        )
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
    ).all()


def models(session: Session, workspace_id: int) -> Sequence[ScoringModel]:
    return session.scalars(
        select(ScoringModel)
        .where(ScoringModel.workspace_id == workspace_id)
        .order_by(ScoringModel.version.desc())
    ).all()


def outcome_counts(session: Session, workspace_id: int) -> tuple[int, int]:
    """How many of the workspace's leads were won, and how many lost."""
    counts = dict(
        session.execute(
            select(Lead.outcome, func.count())
            .where(Lead.workspace_id == workspace_id, Lead.outcome.in_(("won", "lost")))
            .group_by(Lead.outcome)
        ).all()
    )
    return counts.get("won", 0), counts.get("lost", 0)
