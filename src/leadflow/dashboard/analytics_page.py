"""Analytics: the funnel, speed to lead, reply rate by channel and score calibration, as charts
drawn in the browser from the vendored Chart.js, each with its figures as a table."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from leadflow.analytics import service as analytics
from leadflow.dashboard.board import stage_names
from leadflow.dashboard.pages import Viewer, ViewerDep, render
from leadflow.dependencies import SessionDep

router = APIRouter()


@router.get("/analytics")
def analytics_page(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    workspace_id = viewer.workspace.id
    funnel = analytics.funnel(session, viewer.workspace)
    names = stage_names(viewer.workspace, viewer.language)
    speed = analytics.speed_to_lead(session, workspace_id)
    replies = analytics.reply_rates(session, workspace_id)
    calibration = analytics.score_calibration(session, workspace_id)
    bands = _per_bucket(list(speed.buckets.values()))
    speed_labels = [_speed_label(viewer, bucket) for bucket in speed.buckets]
    charts = {
        "funnel": {
            "labels": [names[s.stage] for s in funnel],
            "values": [s.leads for s in funnel],
        },
        "speed": {
            "labels": speed_labels,
            "values": bands,
        },
        "replies": {
            "labels": [r.channel for r in replies],
            "values": [round(r.rate * 100, 1) for r in replies],
        },
        "calibration": {
            "labels": [f"{c.low}-{c.high}" for c in calibration],
            "predicted": [round(c.predicted * 100, 1) for c in calibration],
            "won": [round(c.won_share * 100, 1) for c in calibration],
        },
    }
    speed_bands = list(zip(speed_labels, bands, strict=True))
    return render(
        request, viewer, "analytics/index.html", funnel=funnel, speed=speed, replies=replies,
        calibration=calibration, charts=charts, speed_bands=speed_bands, stage_names=names,
    )  # fmt: skip


def _speed_label(viewer: Viewer, bucket: str) -> str:
    if bucket == "later":
        return viewer.t("analytics.speed_later")
    return viewer.t("analytics.speed_within", bound=bucket.removeprefix("within "))


def _per_bucket(cumulative: list[int]) -> list[int]:
    """The service counts answers within each bound (cumulative); a chart wants each band."""
    if not cumulative:
        return []
    *within, later = cumulative
    bands = [count - previous for previous, count in zip([0, *within], within, strict=False)]
    return [*bands, later]
