"""The webhooks API: endpoints and their secrets, the delivery log, retries and test events."""

from __future__ import annotations

import base64

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from leadflow.db import unit_of_work
from leadflow.models import WebhookDelivery, WebhookEndpoint
from tests.builders import make_webhook_delivery, make_webhook_endpoint, settle_jobs
from tests.webhooks.support import HOOK_URL, deliveries_to, run_delivery_job

ENDPOINTS = "/api/v1/webhooks/endpoints"


def _create(api, **fields):
    body = {"url": "https://hooks.example.com/leadflow", **fields}
    return api.post(ENDPOINTS, json=body)


def test_an_endpoint_is_created_with_a_secret_shown_once_and_sealed_at_rest(api, session):
    response = _create(api, description="CRM sync", event_types=["lead.created", "lead.created"])

    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert created["event_types"] == ["lead.created"]
    assert created["enabled"] is True
    sealed = session.scalar(
        select(WebhookEndpoint.sealed_secret).where(WebhookEndpoint.id == created["id"])
    )
    assert secret not in sealed
    assert secret.removeprefix("whsec_") not in sealed
    listed = api.get(ENDPOINTS).json()["items"]
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(f"{ENDPOINTS}/{created['id']}").json()
    shown = api.get(f"{ENDPOINTS}/{created['id']}/secret")
    assert shown.json() == {"secret": secret}
    assert shown.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/hook",
        "http://127.0.0.1:8000/hook",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "https://internal.example.com/",  # resolves to a private address
        "ftp://hooks.example.com/",
        "hooks.example.com/no-scheme",
    ],
)
def test_a_url_the_ssrf_guard_refuses_is_a_clear_422(api, dns, url):
    dns.answers["internal.example.com"] = ["10.1.2.3"]
    dns.answers["localhost"] = ["127.0.0.1"]

    response = _create(api, url=url)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["detail"].startswith("this URL cannot receive webhooks")
    assert "url" in problem["errors"]


def test_a_host_that_does_not_resolve_yet_may_be_registered(api):
    assert _create(api, url="https://not-yet.example.org/hook").status_code == 201


def test_event_types_are_checked(api):
    response = _create(api, event_types=["lead created!"])
    assert response.status_code == 422
    assert _create(api, event_types=["x" * 61]).status_code == 422


def test_update_changes_only_what_is_sent_and_rechecks_the_url(api):
    created = _create(api, description="first").json()
    url = f"{ENDPOINTS}/{created['id']}"

    changed = api.patch(url, json={"event_types": ["lead.merged"]}).json()
    assert (changed["description"], changed["event_types"]) == ("first", ["lead.merged"])
    assert api.patch(url, json={"description": None}).json()["description"] is None
    refused = api.patch(url, json={"url": "http://10.0.0.1/"})
    assert refused.status_code == 422
    assert api.get(url).json()["url"] == "https://hooks.example.com/leadflow"
    moved = api.patch(url, json={"url": "https://other.example.com/in"})
    assert moved.json()["url"] == "https://other.example.com/in"
    assert api.patch(url, json={"secret": "mine"}).status_code == 422


def test_disabling_and_enabling_again_clears_the_reason(api, session):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    url = f"{ENDPOINTS}/{endpoint.id}"
    with unit_of_work() as writer:
        failing = writer.get(WebhookEndpoint, endpoint.id)
        assert failing is not None
        failing.enabled, failing.disabled_reason = False, "the endpoint answered 410 Gone"
        failing.failing_since = failing.disabled_at = failing.created_at

    enabled = api.patch(url, json={"enabled": True}).json()

    assert enabled["enabled"] is True
    assert enabled["disabled_reason"] is enabled["disabled_at"] is enabled["failing_since"] is None
    disabled = api.patch(url, json={"enabled": False}).json()
    assert (disabled["enabled"], disabled["disabled_reason"]) == (False, "disabled through the API")


def test_delete_removes_the_endpoint_and_its_log(api, session):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    make_webhook_delivery(session, endpoint)

    assert api.delete(f"{ENDPOINTS}/{endpoint.id}").status_code == 204

    assert api.get(f"{ENDPOINTS}/{endpoint.id}").status_code == 404
    assert deliveries_to(endpoint.id) == []


def test_unknown_ids_are_problems(api):
    for path in (f"{ENDPOINTS}/999999", f"{ENDPOINTS}/999999/deliveries"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
    assert api.post("/api/v1/webhooks/deliveries/999999/retry").status_code == 404


def test_a_test_event_goes_to_that_endpoint_only(api, session, outside):
    tested, secret = make_webhook_endpoint(session, api.workspace)
    everything, _ = make_webhook_endpoint(session, api.workspace, url="https://other.example.com/")
    route = outside.post(HOOK_URL).respond(200)
    other = outside.post("https://93.184.215.14:443/").respond(200)

    response = api.post(f"{ENDPOINTS}/{tested.id}/test")
    settle_jobs()

    assert response.status_code == 202
    assert response.json()["event_type"] == "webhook.test"
    (delivery,) = deliveries_to(tested.id)
    assert deliveries_to(everything.id) == []
    assert not other.called
    # Deliveries left by earlier tests in this process may come due meanwhile: pick ours.
    (request,) = [
        c.request for c in route.calls if c.request.headers["webhook-id"] == f"msg_{delivery.id}"
    ]
    payload = Webhook(secret).verify(request.content, request.headers)
    assert payload["type"] == "webhook.test"
    assert payload["data"] == {"endpoint_id": tested.id}
    page = api.get(f"{ENDPOINTS}/{tested.id}/deliveries").json()
    assert [(d["id"], d["event_type"], d["state"]) for d in page["items"]] == [
        (delivery.id, "webhook.test", "succeeded")
    ]


def test_a_disabled_endpoint_gets_no_test_event(api, session):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    api.patch(f"{ENDPOINTS}/{endpoint.id}", json={"enabled": False})

    response = api.post(f"{ENDPOINTS}/{endpoint.id}/test")

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_delivery_log_shows_each_attempt(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    older = make_webhook_delivery(session, endpoint, event_type="lead.merged")
    newer = make_webhook_delivery(session, endpoint)
    # Only this delivery gets the scripted answers; any left by earlier tests get a 200.
    outside.post(HOOK_URL, headers={"webhook-id": f"msg_{newer.id}"}).mock(
        side_effect=[httpx.Response(500, text="x" * 5000), httpx.Response(202, text="ok")]
    )
    outside.post(HOOK_URL).respond(200)
    run_delivery_job(api.workspace.id, newer.id)

    first = api.get(f"{ENDPOINTS}/{endpoint.id}/deliveries", params={"limit": 1}).json()
    (item,) = first["items"]
    assert item["id"] == newer.id
    assert (item["state"], item["attempts"], item["last_status"]) == ("pending", 1, 500)
    assert item["next_attempt_at"] is not None
    assert item["message_id"] == f"msg_{newer.id}"
    rest = api.get(
        f"{ENDPOINTS}/{endpoint.id}/deliveries", params={"limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [d["id"] for d in rest["items"]] == [older.id]
    assert rest["next_cursor"] is None
    pending = api.get(f"{ENDPOINTS}/{endpoint.id}/deliveries", params={"state": "succeeded"})
    assert pending.json()["items"] == []

    retried = api.post(f"/api/v1/webhooks/deliveries/{newer.id}/retry")
    assert retried.status_code == 202
    settle_jobs()

    detail = api.get(f"/api/v1/webhooks/deliveries/{newer.id}").json()
    assert (detail["state"], detail["attempts"], detail["last_status"]) == ("succeeded", 2, 202)
    assert detail["next_attempt_at"] is None
    failed, succeeded = detail["attempt_log"]
    assert (failed["status_code"], failed["error"]) == (500, "answered 500")
    assert failed["response_excerpt"] == "x" * 1024
    assert (succeeded["status_code"], succeeded["error"], succeeded["response_excerpt"]) == (
        202,
        None,
        "ok",
    )
    assert all(a["duration_ms"] >= 0 for a in detail["attempt_log"])


def test_an_abandoned_delivery_can_be_sent_again_by_hand(api, session, outside):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    route = outside.post(HOOK_URL).respond(200)
    delivery = make_webhook_delivery(session, endpoint)
    with unit_of_work() as writer:
        abandoned = writer.get(WebhookDelivery, delivery.id)
        assert abandoned is not None
        abandoned.state, abandoned.attempts, abandoned.next_attempt_at = "abandoned", 10, None

    assert api.post(f"/api/v1/webhooks/deliveries/{delivery.id}/retry").status_code == 202
    settle_jobs()

    # Deliveries left by earlier tests in this process may come due meanwhile: count ours.
    ours = [c for c in route.calls if c.request.headers["webhook-id"] == f"msg_{delivery.id}"]
    assert len(ours) == 1
    assert api.get(f"/api/v1/webhooks/deliveries/{delivery.id}").json()["state"] == "succeeded"


def test_no_delivery_to_a_disabled_endpoint_is_retried_by_hand(api, session):
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    delivery = make_webhook_delivery(session, endpoint)
    api.patch(f"{ENDPOINTS}/{endpoint.id}", json={"enabled": False})

    response = api.post(f"/api/v1/webhooks/deliveries/{delivery.id}/retry")

    assert response.status_code == 409


def test_the_secret_never_reaches_the_logs(api, session, outside, capsys, caplog):
    endpoint, secret = make_webhook_endpoint(session, api.workspace)
    outside.post(HOOK_URL).respond(500)
    delivery = make_webhook_delivery(session, endpoint)

    run_delivery_job(api.workspace.id, delivery.id)
    api.post(f"{ENDPOINTS}/{endpoint.id}/secret/rotate")

    captured = capsys.readouterr()
    logged = captured.out + captured.err + caplog.text
    assert "webhook.attempt_failed" in logged
    assert secret.removeprefix("whsec_") not in logged
