from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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


def signals_of(session: Session, lead_id: int) -> Sequence[Activity]:
    """The lead's timeline entries that say something about intent."""
    return session.scalars(
        select(Activity)
        .where(Activity.lead_id == lead_id, Activity.kind.in_(list(WEIGHTS)))
        .order_by(Activity.occurred_at)
    ).all()


def latest(session: Session, lead_id: int, kind: str) -> Activity | None:
    """The lead's latest timeline entry of ``kind``."""
    return session.scalars(
        select(Activity)
        .where(Activity.lead_id == lead_id, Activity.kind == kind)
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
        .limit(1)
    ).first()


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
