"""Usage accounting, quotas and budgets: sends and LLM calls cost money, so each workspace may
cap them, on every provider together or on one, by units (``sms``, ``llm_tokens``...) or by
cost (the metric ``cost``, in millionths of a US dollar).

A provider call asks ``check_quota`` before it spends and ``record_usage`` after. Past a
quota's ``alert_percent``, recording writes ``usage.threshold_passed`` once a period (the
notifications react to it). Days and months are the workspace's own (its time zone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.events.service import record
from leadflow.exceptions import NotFound, QuotaExceeded, UnprocessableInput
from leadflow.models import Quota, UsageRecord, Workspace
from leadflow.models.base import utcnow
from leadflow.usage import repository
from leadflow.usage.repository import COST
from leadflow.usage.schemas import METRIC_PATTERN, Period, QuotaOut, UsageOut, UsageTotal

THRESHOLD_PASSED = "usage.threshold_passed"
_ADVERB = {"day": "daily", "month": "monthly"}

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
    _tell_when_passing(session, workspace_id, provider=provider, metric=metric)
    return usage


def check_quota(
    session: Session,
    workspace_id: int,
    *,
    metric: str,
    quantity: int = 1,
    provider: str = "",
    cost_micros: int = 0,
) -> None:
    """Raises QuotaExceeded if using ``quantity`` more of ``metric`` at ``provider``, costing
    ``cost_micros``, would pass one of the workspace's quotas or budgets it counts against;
    reaching one exactly is allowed. A use that costs nothing passes every budget."""
    rows = repository.quotas_over(session, workspace_id, metric, provider)
    if not rows:
        return
    repository.serialise_spending(session, workspace_id)
    zone = _zone_of(session, workspace_id)
    for quota in rows:
        asked = cost_micros if quota.metric == COST else quantity
        if quota.metric == COST and not cost_micros:
            continue
        since, resets_at = period_bounds(quota.period, zone)
        used = repository.used_since(session, workspace_id, quota.metric, since, quota.provider)
        if used + asked > quota.limit:
            raise _exceeded(quota, used=used, asked=asked, resets_at=resets_at)


def _exceeded(quota: Quota, *, used: int, asked: int, resets_at: datetime) -> QuotaExceeded:
    what = f"{quota.metric} at {quota.provider}" if quota.provider else quota.metric
    kind = "budget" if quota.metric == COST else "quota"
    return QuotaExceeded(
        f"the {_ADVERB[quota.period]} {kind} on {what} ({quota.limit}) would be passed: "
        f"{used} used, {asked} more asked",
        retry_after=(resets_at - utcnow()).total_seconds(),
        metric=quota.metric,
        period=quota.period,
        limit=quota.limit,
        used=used,
        requested=asked,
        resets_at=resets_at.isoformat(),
        **({"provider": quota.provider} if quota.provider else {}),
    )


def _tell_when_passing(session: Session, workspace_id: int, *, provider: str, metric: str) -> None:
    """Once a period, the first use that passes a quota's alert share writes an event."""
    rows = [q for q in repository.quotas_over(session, workspace_id, metric, provider)
            if q.alert_percent]  # fmt: skip
    if not rows:
        return
    zone = _zone_of(session, workspace_id)
    for quota in rows:
        since, _ = period_bounds(quota.period, zone)
        if quota.alerted_for is not None and quota.alerted_for >= since:
            continue
        used = repository.used_since(session, workspace_id, quota.metric, since, quota.provider)
        if used * 100 < quota.limit * (quota.alert_percent or 100):
            continue
        quota.alerted_for = since
        record(
            session, workspace_id, THRESHOLD_PASSED, metric=quota.metric, period=quota.period,
            provider=quota.provider or None, limit=quota.limit, used=used,
            percent=quota.alert_percent,
        )  # fmt: skip


def usage_report(session: Session, workspace_id: int, *, period: Period) -> UsageOut:
    """Totals per metric, with cost, for the current day or month."""
    since, _ = period_bounds(period, _zone_of(session, workspace_id))
    limits = {
        q.metric: q.limit
        for q in repository.quotas(session, workspace_id)
        if q.period == period and not q.provider
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
    session: Session,
    workspace_id: int,
    *,
    metric: str,
    period: Period,
    limit: int,
    provider: str | None = None,
    alert_percent: int | None = 80,
) -> QuotaOut:
    """Creates or changes the quota on ``metric`` for ``period`` (on ``provider``'s use only,
    when named); the workspace is told once a period past ``alert_percent`` of it."""
    if alert_percent is not None and not 1 <= alert_percent <= 100:
        raise UnprocessableInput("an alert is at 1 to 100 percent of the limit")
    named = provider or ""
    quota = repository.find_quota(session, workspace_id, metric, period, named)
    if quota is None:
        try:
            with session.begin_nested():
                quota = Quota(workspace_id=workspace_id, metric=metric, period=period,
                              provider=named, limit=limit)  # fmt: skip
                session.add(quota)
        except IntegrityError:  # a simultaneous PUT made it first: change that one
            quota = repository.find_quota(session, workspace_id, metric, period, named)
            assert quota is not None
    if quota.limit != limit or quota.alert_percent != alert_percent:
        quota.alerted_for = None  # a new limit earns a new alert
    quota.limit, quota.alert_percent = limit, alert_percent
    session.flush()
    (out,) = _with_use(session, workspace_id, [quota])
    return out


def remove_quota(
    session: Session,
    workspace_id: int,
    *,
    metric: str,
    period: Period | None = None,
    provider: str | None = None,
) -> None:
    """Lifts the quota on ``metric`` (for one period, or both; on ``provider``, or on all)."""
    if not repository.delete_quotas(session, workspace_id, metric, period, provider or ""):
        on = f" at {provider}" if provider else ""
        raise NotFound(f"no quota on {metric}{on}" + (f" per {period}" if period else ""))


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
        used = repository.used_since(session, workspace_id, quota.metric, since, quota.provider)
        out.append(
            QuotaOut(
                metric=quota.metric,
                period=quota.period,
                provider=quota.provider or None,
                limit=quota.limit,
                alert_percent=quota.alert_percent,
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
