"""Deliveries as the receiving end sees them: signed requests to the checked address, retried on
the schedule, and the endpoint disabled when it says so or keeps failing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint
from leadflow.models.base import utcnow
from leadflow.webhooks import schedule
from leadflow.webhooks.tasks import requeue_lost_deliveries
from tests.builders import make_webhook_delivery, make_webhook_endpoint, settle_jobs
from tests.webhooks.support import (
    HOOK_URL,
    PUBLIC_IP,
    attempts_of,
    bring_forward,
    deliveries_to,
    queued_delivery_jobs,
    reload_delivery,
    reload_endpoint,
    run_delivery_job,
)


def _verified(request: httpx.Request, secret: str) -> dict[str, object]:
    payload = Webhook(secret).verify(request.content, dict(request.headers))
    assert isinstance(payload, dict)
    return payload


def test_a_new_lead_reaches_a_subscribed_endpoint_signed_and_skips_an_unsubscribed_one(
    api, session, outside
):
    subscribed, secret = make_webhook_endpoint(
        session, api.workspace, event_types=("lead.created",)
    )
    unsubscribed, _ = make_webhook_endpoint(
        session, api.workspace, url="https://other.example.com/x", event_types=("lead.merged",)
    )
    route = outside.post(HOOK_URL).respond(204)

    created = api.post("/api/v1/leads", json={"email": "ada@example.com"}).json()
    settle_jobs()

    (delivery,) = deliveries_to(subscribed.id)
    assert deliveries_to(unsubscribed.id) == []
    assert delivery.state == DeliveryState.succeeded
    # Another test's delivery whose retry fell due meanwhile may reach the same address.
    (request,) = _requests_of(route, delivery.id)
    assert request.url.host == PUBLIC_IP
    assert request.headers["host"] == "hooks.example.com"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("leadflow-webhooks/")
    assert request.headers["webhook-id"] == f"msg_{delivery.id}"
    payload = _verified(request, secret)
    assert payload["type"] == "lead.created"
    assert payload["data"] == {"lead_id": created["lead"]["id"], "origin": "api"}
    assert str(payload["timestamp"]).endswith("Z")


def test_a_signature_under_another_secret_does_not_verify(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    _, stranger_secret = make_webhook_endpoint(session, api.workspace)
    route = outside.post(HOOK_URL).respond(200)
    delivery = make_webhook_delivery(session, endpoint)
    run_delivery_job(api.workspace.id, delivery.id)

    with pytest.raises(WebhookVerificationError):
        _verified(route.calls.last.request, stranger_secret)


def test_a_500_is_retried_on_the_schedule_until_abandoned(api, session, outside):
    endpoint, secret = make_webhook_endpoint(session, api.workspace)
    route = outside.post(HOOK_URL).respond(500, text="database down")
    delivery = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)
    for attempt, wait in enumerate(schedule.RETRY_DELAYS, start=1):
        pending = reload_delivery(delivery.id)
        assert (pending.state, pending.attempts, pending.last_status) == ("pending", attempt, 500)
        assert pending.next_attempt_at is not None
        waited = pending.next_attempt_at - pending.updated_at
        assert wait - timedelta(seconds=1) <= waited <= wait * (1 + schedule.JITTER)
        (job,) = queued_delivery_jobs(delivery.id)
        assert job.run_after >= pending.next_attempt_at
        bring_forward(delivery.id)
        settle_jobs()

    abandoned = reload_delivery(delivery.id)
    assert (abandoned.state, abandoned.attempts) == ("abandoned", schedule.MAX_ATTEMPTS)
    assert abandoned.next_attempt_at is None
    assert queued_delivery_jobs(delivery.id) == []
    tries = _requests_of(route, delivery.id)  # the same message on every try
    assert len(tries) == schedule.MAX_ATTEMPTS
    for request in tries:
        _verified(request, secret)
    assert reload_endpoint(endpoint.id).failing_since is not None


def _requests_of(route: Any, delivery_id: int) -> list[Any]:
    """The requests that carried this delivery (another test's retry may reach the address)."""
    wanted = f"msg_{delivery_id}"
    return [call.request for call in route.calls if call.request.headers["webhook-id"] == wanted]


def test_the_schedule_spans_about_three_days():
    total = sum(schedule.RETRY_DELAYS, timedelta())
    assert timedelta(hours=70) <= total <= timedelta(hours=76)
    assert list(schedule.RETRY_DELAYS) == sorted(schedule.RETRY_DELAYS)
    assert schedule.retry_delay(schedule.MAX_ATTEMPTS) is None


def test_success_after_failures_clears_failing_since(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    outside.post(HOOK_URL).mock(side_effect=[httpx.Response(503), httpx.Response(200)])
    delivery = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)
    assert reload_endpoint(endpoint.id).failing_since is not None
    bring_forward(delivery.id)
    settle_jobs()

    assert reload_delivery(delivery.id).state == DeliveryState.succeeded
    assert reload_endpoint(endpoint.id).failing_since is None
    assert [a.status_code for a in attempts_of(delivery.id)] == [503, 200]


def test_410_gone_disables_the_endpoint_at_once(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    outside.post(HOOK_URL).respond(410)
    delivery = make_webhook_delivery(session, endpoint)
    waiting = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)

    disabled = reload_endpoint(endpoint.id)
    assert not disabled.enabled
    assert "410" in (disabled.disabled_reason or "")
    assert reload_delivery(delivery.id).state == DeliveryState.abandoned
    assert reload_delivery(waiting.id).state == DeliveryState.abandoned
    assert queued_delivery_jobs(delivery.id) == []
    (event,) = _disabled_events(api.workspace.id)
    assert event["endpoint_id"] == endpoint.id
    assert "410 Gone" in str(event["reason"])


def _disabled_events(workspace_id: int) -> list[dict[str, object]]:
    with get_sessionmaker(writes=False)() as session:
        events = session.scalars(
            select(Event).where(
                Event.workspace_id == workspace_id, Event.type == "webhook.endpoint_disabled"
            )
        )
        return [{k: e.data[k] for k in ("endpoint_id", "reason")} for e in events]


def test_sustained_failure_for_three_days_disables_the_endpoint(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    outside.post(HOOK_URL).mock(side_effect=httpx.ConnectError("connection refused"))
    delivery = make_webhook_delivery(session, endpoint)
    _failing_since(endpoint.id, utcnow() - schedule.SUSTAINED_FAILURE - timedelta(minutes=1))

    run_delivery_job(api.workspace.id, delivery.id)

    disabled = reload_endpoint(endpoint.id)
    assert not disabled.enabled
    assert (disabled.disabled_reason or "").startswith("sustained failure")
    assert reload_delivery(delivery.id).state == DeliveryState.abandoned
    (event,) = _disabled_events(api.workspace.id)
    assert event["endpoint_id"] == endpoint.id


def test_failures_shorter_than_three_days_leave_the_endpoint_enabled(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    outside.post(HOOK_URL).respond(500)
    delivery = make_webhook_delivery(session, endpoint)
    _failing_since(endpoint.id, utcnow() - timedelta(days=2))

    run_delivery_job(api.workspace.id, delivery.id)

    assert reload_endpoint(endpoint.id).enabled
    assert reload_delivery(delivery.id).state == DeliveryState.pending


def _failing_since(endpoint_id: int, moment) -> None:
    with unit_of_work() as session:
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        endpoint.failing_since = moment


def test_a_timeout_is_a_failed_attempt_retried_later(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    outside.post(HOOK_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    delivery = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)

    pending = reload_delivery(delivery.id)
    assert (pending.state, pending.attempts, pending.last_status) == ("pending", 1, None)
    (attempt,) = attempts_of(delivery.id)
    assert "no answer within 10 s" in (attempt.error or "")
    assert len(queued_delivery_jobs(delivery.id)) == 1


def test_a_redirect_is_not_followed(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    hook = outside.post(HOOK_URL).respond(302, headers={"Location": "http://169.254.169.254/"})
    metadata = outside.route(host="169.254.169.254").respond(200)
    delivery = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)

    assert hook.call_count == 1
    assert not metadata.called
    pending = reload_delivery(delivery.id)
    assert (pending.state, pending.last_status) == ("pending", 302)
    assert "redirects are not followed" in (pending.last_error or "")


@pytest.mark.parametrize(
    "answers",
    [["127.0.0.1"], ["169.254.169.254"], [PUBLIC_IP, "10.0.0.7"], ["::ffff:127.0.0.1"]],
)
def test_a_host_that_now_resolves_to_a_private_address_is_refused(
    api, session, outside, dns, answers
):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)  # public when registered
    anything = outside.route().respond(200)
    delivery = make_webhook_delivery(session, endpoint)
    dns.answers["hooks.example.com"] = answers  # DNS rebinding

    run_delivery_job(api.workspace.id, delivery.id)

    assert not anything.called
    (attempt,) = attempts_of(delivery.id)
    assert (attempt.error or "").startswith("refused:")
    assert reload_delivery(delivery.id).state == DeliveryState.pending


def test_private_targets_are_allowed_when_the_setting_says_so(
    api, session, outside, dns, monkeypatch
):
    from leadflow.config import get_settings

    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    dns.answers["hooks.example.com"] = ["127.0.0.1"]
    monkeypatch.setattr(get_settings(), "allow_private_webhook_targets", True)
    route = outside.post("https://127.0.0.1:443/leadflow").respond(200)
    delivery = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)

    assert route.called
    assert reload_delivery(delivery.id).state == DeliveryState.succeeded


def test_running_a_finished_delivery_again_changes_nothing(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    route = outside.post(HOOK_URL).respond(200)
    delivery = make_webhook_delivery(session, endpoint)
    run_delivery_job(api.workspace.id, delivery.id)
    before = reload_delivery(delivery.id)

    run_delivery_job(api.workspace.id, delivery.id)

    assert route.call_count == 1
    assert len(attempts_of(delivery.id)) == 1
    assert reload_delivery(delivery.id).updated_at == before.updated_at


def test_a_job_ahead_of_its_time_or_for_a_disabled_endpoint_sends_nothing(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    route = outside.post(HOOK_URL).respond(500)
    delivery = make_webhook_delivery(session, endpoint)
    run_delivery_job(api.workspace.id, delivery.id)

    run_delivery_job(api.workspace.id, delivery.id)  # the retry is not due for 5 s
    assert route.call_count == 1

    api.patch(f"/api/v1/webhooks/endpoints/{endpoint.id}", json={"enabled": False})
    run_delivery_job(api.workspace.id, delivery.id)
    assert route.call_count == 1
    assert reload_delivery(delivery.id).state == DeliveryState.abandoned


def test_a_deleted_endpoint_takes_its_deliveries_and_their_jobs_do_nothing(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    route = outside.post(HOOK_URL).respond(200)
    delivery = make_webhook_delivery(session, endpoint)
    assert api.delete(f"/api/v1/webhooks/endpoints/{endpoint.id}").status_code == 204

    run_delivery_job(api.workspace.id, delivery.id)

    assert not route.called
    assert deliveries_to(endpoint.id) == []


def test_after_rotation_deliveries_are_signed_with_the_new_secret(api, session, outside):
    endpoint, old_secret = make_webhook_endpoint(session, api.workspace)
    route = outside.post(HOOK_URL).respond(200)
    rotated = api.post(f"/api/v1/webhooks/endpoints/{endpoint.id}/secret/rotate")
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != old_secret
    assert api.get(f"/api/v1/webhooks/endpoints/{endpoint.id}/secret").json() == {
        "secret": new_secret
    }
    delivery = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)

    request = route.calls.last.request
    _verified(request, new_secret)
    with pytest.raises(WebhookVerificationError):
        _verified(request, old_secret)


def test_a_lost_delivery_is_handed_back_to_the_queue(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    route = outside.post(HOOK_URL).respond(200)
    delivery = make_webhook_delivery(session, endpoint)  # no job: as if the queue lost it
    with unit_of_work() as writer:
        lost = writer.get(WebhookDelivery, delivery.id)
        lost.next_attempt_at = utcnow() - schedule.LOST_AFTER - timedelta(minutes=1)
    recent = make_webhook_delivery(session, endpoint)  # due, but not yet overdue

    with unit_of_work(writes=False) as sweeper:
        requeue_lost_deliveries(sweeper)
    settle_jobs()

    assert reload_delivery(delivery.id).state == DeliveryState.succeeded
    assert reload_delivery(recent.id).state == DeliveryState.pending
    assert len(_requests_of(route, delivery.id)) == 1
    assert _requests_of(route, recent.id) == []


def test_a_response_is_kept_to_its_first_kilobyte(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    outside.post(HOOK_URL).respond(400, content=b"\x00" + "é".encode() * 3000)
    delivery = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)

    (attempt,) = attempts_of(delivery.id)
    assert attempt.status_code == 400
    excerpt = attempt.response_excerpt or ""
    assert 0 < len(excerpt.encode()) <= 1024
    assert "\x00" not in excerpt
    assert json.dumps(excerpt)  # text a database of either kind can hold
