"""Usage accounting and quotas: sends and LLM calls cost money, so each workspace may cap them.

A provider call asks ``check_quota`` before it spends and ``record_usage`` after. Days and months
are the workspace's own (its time zone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.exceptions import NotFound, QuotaExceeded, UnprocessableInput
from leadflow.models import Quota, UsageRecord, Workspace
from leadflow.models.base import utcnow
from leadflow.usage import repository
from leadflow.usage.schemas import METRIC_PATTERN, Period, QuotaOut, UsageOut, UsageTotal

_METRIC = re.compile(METRIC_PATTERN)


def record_usage(
    session: Session,
    workspace_id: int,
    *,
    provider: str,
    metric: str,
    quantity: int = 1,
    cost_micros: int = 0,
) -> UsageRecord:
    """Notes what one provider call used and cost (in millionths of a US dollar)."""
    if not _METRIC.fullmatch(metric) or quantity < 0 or cost_micros < 0:
        raise ValueError(f"not a usage record: {metric!r} x{quantity} for {cost_micros} micros")
    repository.serialise_spending(session, workspace_id)
    usage = UsageRecord(
        workspace_id=workspace_id,
        provider=provider,
        metric=metric,
        quantity=quantity,
        cost_micros=cost_micros,
        occurred_at=utcnow(),
    )
    session.add(usage)
    session.flush()
    return usage


def check_quota(session: Session, workspace_id: int, *, metric: str, quantity: int = 1) -> None:
    """Raises QuotaExceeded if using ``quantity`` more of ``metric`` would pass one of the
    workspace's quotas on it; reaching a quota exactly is allowed."""
    rows = repository.quotas(session, workspace_id, metric)
    if not rows:
        return
    repository.serialise_spending(session, workspace_id)
    zone = _zone_of(session, workspace_id)
    for quota in rows:
        since, resets_at = period_bounds(quota.period, zone)
        used = repository.used_since(session, workspace_id, metric, since)
        if used + quantity > quota.limit:
            raise QuotaExceeded(
                f"the {quota.period}ly quota on {metric} ({quota.limit}) would be passed: "
                f"{used} used, {quantity} more asked",
                retry_after=(resets_at - utcnow()).total_seconds(),
                metric=metric,
                period=quota.period,
                limit=quota.limit,
                used=used,
                requested=quantity,
                resets_at=resets_at.isoformat(),
            )


def usage_report(session: Session, workspace_id: int, *, period: Period) -> UsageOut:
    """Totals per metric, with cost, for the current day or month."""
    since, _ = period_bounds(period, _zone_of(session, workspace_id))
    limits = {
        q.metric: q.limit for q in repository.quotas(session, workspace_id) if q.period == period
    }
    items = [
        UsageTotal(metric=metric, quantity=quantity, cost_micros=cost, limit=limits.get(metric))
        for metric, quantity, cost in repository.totals_since(session, workspace_id, since)
    ]
    return UsageOut(period=period, since=since, items=items)


def list_quotas(session: Session, workspace_id: int) -> list[QuotaOut]:
    """The workspace's quotas, each with what is used of it so far."""
    return _with_use(session, workspace_id, repository.quotas(session, workspace_id))


def set_quota(
    session: Session, workspace_id: int, *, metric: str, period: Period, limit: int
) -> QuotaOut:
    """Creates or changes the quota on ``metric`` for ``period``."""
    quota = repository.find_quota(session, workspace_id, metric, period)
    if quota is None:
        try:
            with session.begin_nested():
                quota = Quota(workspace_id=workspace_id, metric=metric, period=period, limit=limit)
                session.add(quota)
        except IntegrityError:  # a simultaneous PUT made it first: change that one
            quota = repository.find_quota(session, workspace_id, metric, period)
            assert quota is not None
    quota.limit = limit
    session.flush()
    (out,) = _with_use(session, workspace_id, [quota])
    return out


def remove_quota(
    session: Session, workspace_id: int, *, metric: str, period: Period | None = None
) -> None:
    """Lifts the quota on ``metric`` (for one period, or both)."""
    if not repository.delete_quotas(session, workspace_id, metric, period):
        raise NotFound(f"no quota on {metric}" + (f" per {period}" if period else ""))


def period_bounds(period: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """When the current day or month began and when it ends, in ``zone``, as UTC moments."""
    local = utcnow().astimezone(zone)
    if period == "day":
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=1)  # wall-clock arithmetic: the next local midnight
    elif period == "month":
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = (start + timedelta(days=32)).replace(day=1)
    else:
        raise UnprocessableInput(f"unknown period {period!r}: day or month")
    return start.astimezone(UTC), end.astimezone(UTC)


def _with_use(session: Session, workspace_id: int, quotas: Sequence[Quota]) -> list[QuotaOut]:
    zone = _zone_of(session, workspace_id)
    out = []
    for quota in quotas:
        since, resets_at = period_bounds(quota.period, zone)
        used = repository.used_since(session, workspace_id, quota.metric, since)
        out.append(
            QuotaOut(
                metric=quota.metric,
                period=quota.period,
                limit=quota.limit,
                used=used,
                resets_at=resets_at,
            )
        )
    return out


def _zone_of(session: Session, workspace_id: int) -> ZoneInfo:
    workspace = session.get(Workspace, workspace_id)
    try:
        return ZoneInfo(workspace.time_zone if workspace else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
