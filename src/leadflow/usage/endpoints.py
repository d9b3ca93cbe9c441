from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.usage import service
from leadflow.usage.schemas import MetricPath, Period, QuotaIn, QuotaOut, UsageOut

router = APIRouter(tags=["usage"])


@router.get("/usage", response_model=UsageOut)
def get_usage(
    session: SessionDep, workspace: WorkspaceDep, period: Annotated[Period, Query()] = "month"
) -> UsageOut:
    """What this workspace used and spent on providers today or this month, per metric."""
    return service.usage_report(session, workspace.id, period=period)


@router.get("/quotas", response_model=list[QuotaOut])
def list_quotas(session: SessionDep, workspace: WorkspaceDep) -> list[QuotaOut]:
    """The workspace's quotas, with what is used of each so far."""
    return service.list_quotas(session, workspace.id)


@router.put("/quotas/{metric}", response_model=QuotaOut)
def set_quota(
    metric: MetricPath, quota: QuotaIn, session: SessionDep, workspace: WorkspaceDep
) -> QuotaOut:
    """Set the most of a metric the workspace may use per day or per month."""
    return service.set_quota(
        session, workspace.id, metric=metric, period=quota.period, limit=quota.limit
    )


@router.delete("/quotas/{metric}", status_code=status.HTTP_204_NO_CONTENT)
def delete_quota(
    metric: MetricPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    period: Annotated[Period | None, Query(description="one period; both when absent")] = None,
) -> Response:
    """Lift a quota."""
    service.remove_quota(session, workspace.id, metric=metric, period=period)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
