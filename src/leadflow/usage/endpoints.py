from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.kit.pagination import Page
from leadflow.usage import service
from leadflow.usage.schemas import PROVIDER_PATTERN, MetricPath, Period, QuotaIn, QuotaOut, UsageOut

router = APIRouter(tags=["usage"])


@router.get("/usage", response_model=UsageOut)
def get_usage(
    session: SessionDep, workspace: WorkspaceDep, period: Annotated[Period, Query()] = "month"
) -> UsageOut:
    """What this workspace used and spent on providers today or this month, per metric."""
    return service.usage_report(session, workspace.id, period=period)


@router.get("/quotas", response_model=Page[QuotaOut])
def list_quotas(session: SessionDep, workspace: WorkspaceDep) -> Page[QuotaOut]:
    """The workspace's quotas, with what is used of each so far (a few a metric: one page)."""
    return Page[QuotaOut](items=service.list_quotas(session, workspace.id))


@router.put("/quotas/{metric}", response_model=QuotaOut)
def set_quota(
    metric: MetricPath, quota: QuotaIn, session: SessionDep, workspace: WorkspaceDep
) -> QuotaOut:
    """Set the most of a metric (or, for ``cost``, of spending) the workspace may use per day
    or per month, on every provider or on one, and the share of it that alerts."""
    return service.set_quota(
        session, workspace.id, metric=metric, period=quota.period, limit=quota.limit,
        provider=quota.provider, alert_percent=quota.alert_percent,
    )  # fmt: skip


@router.delete("/quotas/{metric}", status_code=status.HTTP_204_NO_CONTENT)
def delete_quota(
    metric: MetricPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    period: Annotated[Period | None, Query(description="one period; both when absent")] = None,
    provider: Annotated[
        str | None,
        Query(pattern=PROVIDER_PATTERN, description="the quota on this provider; absent: on all"),
    ] = None,
) -> Response:
    """Lift a quota."""
    service.remove_quota(session, workspace.id, metric=metric, period=period, provider=provider)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
