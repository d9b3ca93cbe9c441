"""Operations routes, outside the versioned API and without an API key."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from leadflow.operations import service
from leadflow.operations.schemas import HealthOut, ReadyOut
from leadflow.problems import PROBLEM_JSON

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    """Liveness: version, database, job queue depth, and each provider's circuit breaker."""
    return service.health()


@router.get(
    "/ready",
    response_model=ReadyOut,
    responses={503: {"description": "Not ready", "content": {PROBLEM_JSON: {}}}},
)
def ready() -> ReadyOut:
    """Readiness: the database answers, its migrations are at head, the job queue is reachable."""
    return ReadyOut(status="ready", checks=service.readiness())


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
