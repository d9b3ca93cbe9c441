"""Outbound webhooks: customers' endpoints, the deliveries to them, and what each attempt did."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Row
from sqlalchemy.orm import Session

from leadflow.events.service import record
from leadflow.exceptions import Conflict, NotFound, UnprocessableInput
from leadflow.kit import ssrf
from leadflow.kit.crypto import Unsealable, reseal, seal, unseal
from leadflow.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from leadflow.models.base import utcnow
from leadflow.webhooks import repository, schedule, sender, signing
from leadflow.webhooks.fanout import TEST_EVENT as TEST_EVENT
from leadflow.webhooks.schemas import EndpointCreate, EndpointUpdate
from leadflow.worker import enqueue

log = structlog.get_logger()
DISABLED_EVENT = "webhook.endpoint_disabled"
MAX_ENDPOINTS = 50
# A job that runs a moment before the time it was scheduled for is still on time.
_DUE_SLACK = timedelta(seconds=1)


# Endpoints


def create_endpoint(
    session: Session, *, workspace_id: int, fields: EndpointCreate
) -> tuple[WebhookEndpoint, str]:
    """Registers the endpoint with a new signing secret, returned this once beside it."""
    if repository.count_endpoints(session, workspace_id) >= MAX_ENDPOINTS:
        raise Conflict(f"a workspace has at most {MAX_ENDPOINTS} webhook endpoints")
    check_url(fields.url)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        workspace_id=workspace_id,
        url=fields.url,
        description=fields.description,
        event_types=fields.event_types,
        sealed_secret=seal(secret),
        enabled=True,
    )
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def list_endpoints(session: Session, *, workspace_id: int) -> list[WebhookEndpoint]:
    return list(repository.endpoints(session, workspace_id))


def check_url(url: str) -> None:
    """Refuses a URL the SSRF guard would refuse. A host that does not resolve yet is allowed:
    the guard runs again before every delivery."""
    try:
        sender.check_target(url)
    except ssrf.UnresolvableHost:
        return
    except ssrf.RefusedUrl as error:
        raise UnprocessableInput(
            f"this URL cannot receive webhooks: {error}", errors={"url": str(error)}
        ) from None


def get_endpoint(session: Session, *, workspace_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = repository.get_endpoint(session, workspace_id, endpoint_id)
    if endpoint is None:
        raise NotFound(f"webhook endpoint {endpoint_id} not found")
    return endpoint


def update_endpoint(
    session: Session, *, workspace_id: int, endpoint_id: int, changes: EndpointUpdate
) -> WebhookEndpoint:
    endpoint = get_endpoint(session, workspace_id=workspace_id, endpoint_id=endpoint_id)
    sent = changes.model_fields_set
    if changes.url is not None and changes.url != endpoint.url:
        check_url(changes.url)
        endpoint.url = changes.url
    if "description" in sent:
        endpoint.description = changes.description
    if changes.event_types is not None:
        endpoint.event_types = changes.event_types
    if changes.enabled is True and not endpoint.enabled:
        _enable(endpoint)
    elif changes.enabled is False and endpoint.enabled:
        disable_endpoint(session, endpoint, reason="disabled through the API")
    session.flush()
    return endpoint


def _enable(endpoint: WebhookEndpoint) -> None:
    endpoint.enabled = True
    endpoint.disabled_reason = endpoint.disabled_at = endpoint.failing_since = None


def disable_endpoint(session: Session, endpoint: WebhookEndpoint, *, reason: str) -> None:
    """Stops deliveries to the endpoint; those still pending are abandoned (retry them by hand
    once it is enabled again). The event log says so."""
    endpoint.enabled = False
    endpoint.disabled_reason = reason[:500]
    endpoint.disabled_at = utcnow()
    repository.abandon_pending(session, endpoint.id)
    record(
        session, endpoint.workspace_id, DISABLED_EVENT,
        endpoint_id=endpoint.id, url=endpoint.url, reason=endpoint.disabled_reason,
    )  # fmt: skip
    log.warning("webhook.endpoint_disabled", endpoint_id=endpoint.id, reason=reason)


def delete_endpoint(session: Session, *, workspace_id: int, endpoint_id: int) -> None:
    endpoint = get_endpoint(session, workspace_id=workspace_id, endpoint_id=endpoint_id)
    repository.delete_endpoint(session, endpoint)


def endpoint_secret(session: Session, *, workspace_id: int, endpoint_id: int) -> str:
    endpoint = get_endpoint(session, workspace_id=workspace_id, endpoint_id=endpoint_id)
    try:
        return unseal(endpoint.sealed_secret)
    except Unsealable:
        raise Conflict("this secret was sealed under another secret key: rotate it") from None


def rotate_secret(session: Session, *, workspace_id: int, endpoint_id: int) -> str:
    """A new signing secret for the endpoint; deliveries are signed with it from now on."""
    endpoint = get_endpoint(session, workspace_id=workspace_id, endpoint_id=endpoint_id)
    secret = signing.new_secret()
    endpoint.sealed_secret = seal(secret)
    session.flush()
    log.info("webhook.secret_rotated", endpoint_id=endpoint.id)
    return secret


def reseal_secrets(session: Session) -> tuple[int, int]:
    """Seals every endpoint's signing secret under the current secret key;
    (resealed, unreadable). A secret no known key opens stays as it is: rotate it."""
    resealed = unreadable = 0
    for endpoint in repository.all_endpoints(session):
        try:
            endpoint.sealed_secret = reseal(endpoint.sealed_secret)
            resealed += 1
        except Unsealable:
            unreadable += 1
            log.error("webhook.secret_unsealable", endpoint_id=endpoint.id)
    session.flush()
    return resealed, unreadable


def send_test(session: Session, *, workspace_id: int, endpoint_id: int) -> WebhookEndpoint:
    """Records a ``webhook.test`` event that is delivered to this endpoint only."""
    endpoint = get_endpoint(session, workspace_id=workspace_id, endpoint_id=endpoint_id)
    _refuse_if_disabled(endpoint)
    record(session, workspace_id, TEST_EVENT, endpoint_id=endpoint.id)
    return endpoint


def _refuse_if_disabled(endpoint: WebhookEndpoint) -> None:
    if not endpoint.enabled:
        raise Conflict(f"webhook endpoint {endpoint.id} is disabled; enable it first")


# Deliveries


def deliveries(
    session: Session,
    *,
    workspace_id: int,
    endpoint_id: int,
    state: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Row[WebhookDelivery, str]], str | None]:
    get_endpoint(session, workspace_id=workspace_id, endpoint_id=endpoint_id)
    return repository.deliveries_of(
        session, workspace_id, endpoint_id, state=state, limit=limit, cursor=cursor
    )


def get_delivery(
    session: Session, *, workspace_id: int, delivery_id: int
) -> Row[WebhookDelivery, str]:
    row = repository.delivery_with_type(session, workspace_id, delivery_id)
    if row is None:
        raise NotFound(f"webhook delivery {delivery_id} not found")
    return row


def attempt_log(session: Session, delivery: WebhookDelivery) -> list[WebhookAttempt]:
    return list(repository.attempts_of(session, delivery.id))


def retry_delivery(
    session: Session, *, workspace_id: int, delivery_id: int
) -> Row[WebhookDelivery, str]:
    """Sends the delivery again now, whatever its state. One that had used up its schedule gets
    this one attempt; a pending one keeps its place in the schedule."""
    row = get_delivery(session, workspace_id=workspace_id, delivery_id=delivery_id)
    delivery = row[0]
    endpoint = get_endpoint(session, workspace_id=workspace_id, endpoint_id=delivery.endpoint_id)
    _refuse_if_disabled(endpoint)
    delivery.state = DeliveryState.pending
    _schedule(session, delivery, timedelta(0))
    session.flush()
    return row


def _schedule(session: Session, delivery: WebhookDelivery, delay: timedelta) -> None:
    delivery.next_attempt_at = utcnow() + delay
    enqueue(
        session, "webhooks.deliver", delivery.workspace_id, delivery.id, delay=delay.total_seconds()
    )


def message_due(session: Session, *, workspace_id: int, delivery_id: int) -> sender.Message | None:
    """What to send for the delivery, or None if there is nothing to send now: it finished,
    its endpoint is disabled or gone, or its next attempt is not due yet."""
    row = repository.delivery_to_send(session, workspace_id, delivery_id)
    if row is None:
        return None
    delivery, endpoint, event = row
    if not (delivery.state == DeliveryState.pending and endpoint.enabled and _due(delivery)):
        return None
    try:
        secret: str | None = unseal(endpoint.sealed_secret)
    except Unsealable:
        secret = None
    return sender.Message(delivery.id, endpoint.url, secret, sender.body_of(event))


def _due(delivery: WebhookDelivery) -> bool:
    return delivery.next_attempt_at is not None and delivery.next_attempt_at <= (
        utcnow() + _DUE_SLACK
    )


def record_attempt(
    session: Session, *, workspace_id: int, delivery_id: int, result: sender.AttemptResult
) -> None:
    """Writes what an attempt did, and what follows from it: success, the next try on the
    schedule, or giving up; a 410 or three days of failure disable the endpoint."""
    delivery = repository.get_delivery(session, workspace_id, delivery_id)
    if delivery is None:  # deleted with its endpoint while the attempt was under way
        return
    session.add(_attempt(delivery, result))
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = result.status_code, result.error
    endpoint = get_endpoint(session, workspace_id=workspace_id, endpoint_id=delivery.endpoint_id)
    if result.succeeded:
        _succeeded(delivery, endpoint)
    elif delivery.state == DeliveryState.pending:
        _failed(session, delivery, endpoint, gone=result.gone)
    _log_attempt(delivery, result)


def _attempt(delivery: WebhookDelivery, result: sender.AttemptResult) -> WebhookAttempt:
    return WebhookAttempt(
        delivery_id=delivery.id,
        status_code=result.status_code,
        error=result.error,
        response_excerpt=result.excerpt,
        duration_ms=result.duration_ms,
    )


def _succeeded(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> None:
    delivery.state = DeliveryState.succeeded
    delivery.next_attempt_at = None
    endpoint.failing_since = None


def _failed(
    session: Session, delivery: WebhookDelivery, endpoint: WebhookEndpoint, *, gone: bool
) -> None:
    if endpoint.enabled and gone:
        disable_endpoint(session, endpoint, reason="the endpoint answered 410 Gone")
    elif endpoint.enabled:
        _note_failure(session, endpoint, utcnow())
    delay = schedule.retry_delay(delivery.attempts) if endpoint.enabled else None
    if delay is None:
        delivery.state = DeliveryState.abandoned
        delivery.next_attempt_at = None
    else:
        _schedule(session, delivery, delay)


def _note_failure(session: Session, endpoint: WebhookEndpoint, now: datetime) -> None:
    if endpoint.failing_since is None:
        endpoint.failing_since = now
    elif now - endpoint.failing_since >= schedule.SUSTAINED_FAILURE:
        since = endpoint.failing_since.strftime("%Y-%m-%d %H:%M UTC")
        disable_endpoint(
            session, endpoint, reason=f"sustained failure: no successful delivery since {since}"
        )


def _log_attempt(delivery: WebhookDelivery, result: sender.AttemptResult) -> None:
    fields: dict[str, Any] = {
        "delivery_id": delivery.id, "endpoint_id": delivery.endpoint_id,
        "attempt": delivery.attempts, "status": result.status_code, "state": delivery.state,
    }  # fmt: skip
    if result.succeeded:
        log.info("webhook.delivered", **fields)
    else:
        log.warning("webhook.attempt_failed", error=result.error, **fields)


def requeue_lost(session: Session) -> int:
    """Hands pending deliveries the queue lost back to it; how many there were."""
    lost = repository.take_lost_deliveries(session, due_before=utcnow() - schedule.LOST_AFTER)
    for delivery_id, workspace_id in lost:
        enqueue(session, "webhooks.deliver", workspace_id, delivery_id)
    if lost:
        log.warning("webhook.deliveries_requeued", count=len(lost))
    return len(lost)
