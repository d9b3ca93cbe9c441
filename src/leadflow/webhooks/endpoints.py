from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import Row
from sqlalchemy.orm import Session

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.kit.pagination import Page
from leadflow.kit.schemas import NO_NUL, IdPath
from leadflow.models import DeliveryState, WebhookDelivery
from leadflow.webhooks import service
from leadflow.webhooks.schemas import (
    AttemptOut,
    DeliveryDetail,
    DeliveryOut,
    EndpointCreate,
    EndpointCreated,
    EndpointOut,
    EndpointUpdate,
    SecretOut,
    SentTestEvent,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
_NO_STORE = {"Cache-Control": "no-store"}


def _delivery_out(row: Row[WebhookDelivery, str]) -> DeliveryOut:
    delivery, event_type = row
    return DeliveryOut.model_validate({**_columns(delivery), "event_type": event_type})


def _columns(delivery: WebhookDelivery) -> dict[str, object]:
    return {
        name: getattr(delivery, name) for name in DeliveryOut.model_fields if name != "event_type"
    }


@router.post("/endpoints", response_model=EndpointCreated, status_code=201)
def create_endpoint(
    payload: EndpointCreate, session: SessionDep, workspace: WorkspaceDep, response: Response
) -> EndpointCreated:
    """Register a URL to receive events, signed with the secret this answer shows."""
    endpoint, secret = service.create_endpoint(session, workspace_id=workspace.id, fields=payload)
    response.headers.update(_NO_STORE)
    return EndpointCreated.model_validate(
        {**EndpointOut.model_validate(endpoint).model_dump(), "secret": secret}
    )


@router.get("/endpoints", response_model=Page[EndpointOut])
def list_endpoints(session: SessionDep, workspace: WorkspaceDep) -> Page[EndpointOut]:
    """The workspace's webhook endpoints, oldest first, all on one page (there are at most
    a few)."""
    endpoints = service.list_endpoints(session, workspace_id=workspace.id)
    return Page[EndpointOut](items=[EndpointOut.model_validate(e) for e in endpoints])


@router.get("/endpoints/{endpoint_id}", response_model=EndpointOut)
def get_endpoint(endpoint_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> EndpointOut:
    """One webhook endpoint, with why it was disabled if it was."""
    return EndpointOut.model_validate(
        service.get_endpoint(session, workspace_id=workspace.id, endpoint_id=endpoint_id)
    )


@router.patch("/endpoints/{endpoint_id}", response_model=EndpointOut)
def update_endpoint(
    endpoint_id: IdPath, changes: EndpointUpdate, session: SessionDep, workspace: WorkspaceDep
) -> EndpointOut:
    """Change an endpoint's URL, description, event types, or enable it again."""
    endpoint = service.update_endpoint(
        session, workspace_id=workspace.id, endpoint_id=endpoint_id, changes=changes
    )
    return EndpointOut.model_validate(endpoint)


@router.delete("/endpoints/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_endpoint(endpoint_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> Response:
    """Delete an endpoint and its delivery log."""
    service.delete_endpoint(session, workspace_id=workspace.id, endpoint_id=endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/endpoints/{endpoint_id}/secret", response_model=SecretOut)
def get_secret(
    endpoint_id: IdPath, session: SessionDep, workspace: WorkspaceDep, response: Response
) -> SecretOut:
    """The endpoint's signing secret."""
    secret = service.endpoint_secret(session, workspace_id=workspace.id, endpoint_id=endpoint_id)
    response.headers.update(_NO_STORE)
    return SecretOut(secret=secret)


@router.post("/endpoints/{endpoint_id}/secret/rotate", response_model=SecretOut)
def rotate_secret(
    endpoint_id: IdPath, session: SessionDep, workspace: WorkspaceDep, response: Response
) -> SecretOut:
    """Replace the signing secret; deliveries are signed with the new one from now on."""
    secret = service.rotate_secret(session, workspace_id=workspace.id, endpoint_id=endpoint_id)
    response.headers.update(_NO_STORE)
    return SecretOut(secret=secret)


@router.post("/endpoints/{endpoint_id}/test", response_model=SentTestEvent, status_code=202)
def send_test(endpoint_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> SentTestEvent:
    """Send a webhook.test event to this endpoint only; follow it in its deliveries."""
    endpoint = service.send_test(session, workspace_id=workspace.id, endpoint_id=endpoint_id)
    return SentTestEvent(
        endpoint_id=endpoint.id,
        event_type=service.TEST_EVENT,
        detail="a webhook.test event is on its way; it appears in the endpoint's deliveries",
    )


@router.get("/endpoints/{endpoint_id}/deliveries", response_model=Page[DeliveryOut])
def list_deliveries(
    endpoint_id: IdPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    state: DeliveryState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500, pattern=NO_NUL)] = None,
) -> Page[DeliveryOut]:
    """The endpoint's deliveries, newest first, a page at a time (pass next_cursor back)."""
    rows, next_cursor = service.deliveries(
        session, workspace_id=workspace.id, endpoint_id=endpoint_id,
        state=state, limit=limit, cursor=cursor,
    )  # fmt: skip
    return Page[DeliveryOut](items=[_delivery_out(r) for r in rows], next_cursor=next_cursor)


@router.get("/deliveries/{delivery_id}", response_model=DeliveryDetail)
def get_delivery(
    delivery_id: IdPath, session: SessionDep, workspace: WorkspaceDep
) -> DeliveryDetail:
    """One delivery with every attempt: status, error, the start of the answer, how long it took."""
    row = service.get_delivery(session, workspace_id=workspace.id, delivery_id=delivery_id)
    return _detail(session, row)


@router.post("/deliveries/{delivery_id}/retry", response_model=DeliveryOut, status_code=202)
def retry_delivery(
    delivery_id: IdPath, session: SessionDep, workspace: WorkspaceDep
) -> DeliveryOut:
    """Send a delivery again now, whatever its state."""
    row = service.retry_delivery(session, workspace_id=workspace.id, delivery_id=delivery_id)
    return _delivery_out(row)


def _detail(session: Session, row: Row[WebhookDelivery, str]) -> DeliveryDetail:
    log = [AttemptOut.model_validate(a) for a in service.attempt_log(session, row[0])]
    return DeliveryDetail.model_validate({**_delivery_out(row).model_dump(), "attempt_log": log})
