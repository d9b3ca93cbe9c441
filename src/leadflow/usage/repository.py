"""Every query on usage and quotas, scoped to one workspace."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Row, delete, func, select
from sqlalchemy.orm import Session

from leadflow.models import Quota, UsageRecord

_QUOTA_LOCK_CLASS = 7_002  # advisory lock namespace: (class, workspace id)


COST = "cost"  # a budget: what is summed is the cost, in millionths of a US dollar


def used_since(
    session: Session, workspace_id: int, metric: str, since: datetime, provider: str = ""
) -> int:
    """What the workspace used of ``metric`` since ``since`` (of ``provider``'s, if named)."""
    counted = UsageRecord.cost_micros if metric == COST else UsageRecord.quantity
    query = select(func.coalesce(func.sum(counted), 0)).where(
        UsageRecord.workspace_id == workspace_id, UsageRecord.occurred_at >= since
    )
    if metric != COST:
        query = query.where(UsageRecord.metric == metric)
    if provider:
        query = query.where(UsageRecord.provider == provider)
    return int(session.scalar(query) or 0)


def totals_since(
    session: Session, workspace_id: int, since: datetime
) -> Sequence[Row[str, int, int]]:
    """Quantity and cost per metric since ``since``, by metric name."""
    return session.execute(
        select(
            UsageRecord.metric,
            func.sum(UsageRecord.quantity),
            func.sum(UsageRecord.cost_micros),
        )
        .where(UsageRecord.workspace_id == workspace_id, UsageRecord.occurred_at >= since)
        .group_by(UsageRecord.metric)
        .order_by(UsageRecord.metric)
    ).all()


def quotas(session: Session, workspace_id: int, metric: str | None = None) -> Sequence[Quota]:
    query = select(Quota).where(Quota.workspace_id == workspace_id)
    if metric is not None:
        query = query.where(Quota.metric == metric)
    return session.scalars(query.order_by(Quota.metric, Quota.period, Quota.provider)).all()


def quotas_over(session: Session, workspace_id: int, metric: str, provider: str) -> Sequence[Quota]:
    """The quotas a use of ``metric`` at ``provider`` counts against: on the metric and on the
    budget, each on that provider or on all of them."""
    return session.scalars(
        select(Quota)
        .where(
            Quota.workspace_id == workspace_id,
            Quota.metric.in_((metric, COST)),
            Quota.provider.in_(("", provider)),
        )
        .order_by(Quota.metric, Quota.period, Quota.provider)
    ).all()


def find_quota(
    session: Session, workspace_id: int, metric: str, period: str, provider: str = ""
) -> Quota | None:
    return session.scalar(
        select(Quota).where(
            Quota.workspace_id == workspace_id,
            Quota.metric == metric,
            Quota.period == period,
            Quota.provider == provider,
        )
    )


def delete_quotas(
    session: Session, workspace_id: int, metric: str, period: str | None, provider: str = ""
) -> int:
    statement = delete(Quota).where(
        Quota.workspace_id == workspace_id, Quota.metric == metric, Quota.provider == provider
    )
    if period is not None:
        statement = statement.where(Quota.period == period)
    deleted: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return deleted.rowcount


def serialise_spending(session: Session, workspace_id: int) -> None:
    """On PostgreSQL, one transaction at a time checks and records a workspace's usage (SQLite
    already has one writer at a time), so two sends cannot both take the last unit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_QUOTA_LOCK_CLASS, workspace_id)))
