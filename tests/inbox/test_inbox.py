"""The inbound webhook inbox: verify, keep the raw bytes, deduplicate, commit, then handle."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from leadflow.models import Event, InboundWebhook, InboxState
from tests.builders import settle_jobs
from tests.inbox.support import (
    CAL_SECRET,
    HUBSPOT_SECRET,
    SIGNING_SECRET,
    TWILIO_SID,
    TWILIO_TOKEN,
    cal_headers,
    connect,
    hubspot_headers,
    json_body,
    standard_delivery,
    twilio_signature,
)


def inbound(api, provider: str) -> str:
    return f"/api/v1/inbound/{api.workspace.slug}/{provider}"


def post(client, url: str, body: bytes, headers: dict[str, str]):
    return client.post(url, content=body, headers=headers)


def kept(session, workspace_id: int) -> list[InboundWebhook]:
    session.expire_all()
    return list(
        session.scalars(
            select(InboundWebhook)
            .where(InboundWebhook.workspace_id == workspace_id)
            .order_by(InboundWebhook.id)
        )
    )


@pytest.fixture
def standard(api):
    connect(api, "standard", {"signing_secret": SIGNING_SECRET})
    return inbound(api, "standard")


def test_a_signed_delivery_is_kept_byte_for_byte_and_acknowledged(api, client, session, standard):
    body, headers = standard_delivery(b'{"type": "booking.created",  "x": "\xc3\xa9"}')

    response = post(client, standard, body, headers)

    assert response.status_code == 200, response.text
    assert response.json() == {"received": True, "duplicate": False}
    (row,) = kept(session, api.workspace.id)
    assert row.body == body
    assert row.event_id == headers["webhook-id"]
    assert row.state == InboxState.received
    assert "webhook-signature" not in row.headers


def test_the_same_event_twice_is_kept_once(api, client, session, standard):
    body, headers = standard_delivery(json_body(n=1), message_id="msg_once")

    first = post(client, standard, body, headers)
    again = post(client, standard, body, headers)

    assert first.json()["duplicate"] is False
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert len(kept(session, api.workspace.id)) == 1


@pytest.mark.parametrize(
    ("tamper", "detail"),
    [
        (lambda b, h: (b + b" ", h), "does not match"),
        (lambda b, h: (b, {**h, "webhook-signature": "v1,AAAA"}), "does not match"),
        (lambda b, h: (b, {k: v for k, v in h.items() if k != "webhook-id"}), "webhook-id"),
        (lambda b, h: (b, {**h, "webhook-timestamp": "12ab"}), "not a number"),
    ],
)
def test_a_bad_signature_is_a_401_problem_and_keeps_nothing(
    api, client, session, standard, tamper, detail
):
    body, headers = tamper(*standard_delivery(json_body(n=2)))

    response = post(client, standard, body, headers)

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert detail in response.json()["detail"]
    assert kept(session, api.workspace.id) == []


def test_a_replayed_delivery_outside_five_minutes_is_refused(client, standard):
    body, headers = standard_delivery(json_body(n=3), at=time.time() - 301)

    response = post(client, standard, body, headers)

    assert response.status_code == 401
    assert "5-minute" in response.json()["detail"]


def test_another_workspaces_secret_does_not_sign_for_this_one(client, standard):
    body, headers = standard_delivery(json_body(n=4), secret="whsec_" + "QUJD" * 8)

    assert post(client, standard, body, headers).status_code == 401


@pytest.mark.parametrize(
    "where", ["/api/v1/inbound/no-such-workspace/standard", "unknown", "unset"]
)
def test_unknown_addresses_are_404(api, client, standard, where):
    url = {"unknown": inbound(api, "nosuchprovider"), "unset": inbound(api, "calcom")}.get(
        where, where
    )
    body, headers = standard_delivery(json_body(n=5))

    response = post(client, url, body, headers)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_kept_delivery_is_handled_in_a_job_and_announced(api, client, session, standard):
    body, headers = standard_delivery(json_body(n=6), message_id="msg_handled")
    post(client, standard, body, headers)

    settle_jobs()

    (row,) = kept(session, api.workspace.id)
    assert row.state == InboxState.handled
    assert row.handled_at is not None
    announced = session.scalars(
        select(Event).where(
            Event.workspace_id == api.workspace.id, Event.type == "webhook.received"
        )
    ).all()
    assert [e.data["event_id"] for e in announced] == ["msg_handled"]


@dataclass(frozen=True)
class Said:
    """What a test vendor reads a delivery into."""

    id: str


def reading_standard_deliveries(monkeypatch) -> None:
    """The Standard Webhooks vendor, given a parser: each delivery says its body's id."""
    from leadflow.integrations.vendors import VENDORS

    def read(delivery):
        return [Said(json.loads(delivery.body)["id"])]

    monkeypatch.setitem(VENDORS, "standard", replace(VENDORS["standard"], parse=read))


def test_a_failing_handler_marks_its_delivery_and_spares_the_others(
    api, client, session, standard, monkeypatch
):
    from leadflow.inbox import handlers

    def choke(session, delivery, said):
        if said.id == "msg_bad":
            raise ValueError("cannot read this one")
        handlers.announce(session, delivery)

    reading_standard_deliveries(monkeypatch)
    monkeypatch.setitem(handlers.HANDLERS, Said, choke)
    for message_id in ("msg_good_1", "msg_bad", "msg_good_2"):
        post(client, standard, *standard_delivery(json_body(id=message_id), message_id=message_id))

    settle_jobs()

    states = {row.event_id: (row.state, row.error) for row in kept(session, api.workspace.id)}
    assert states["msg_good_1"] == (InboxState.handled, None)
    assert states["msg_good_2"] == (InboxState.handled, None)
    assert states["msg_bad"] == (InboxState.failed, "ValueError: cannot read this one")


def test_what_no_capability_handles_fails_the_delivery_instead_of_passing_as_handled(
    api, client, session, standard, monkeypatch
):
    reading_standard_deliveries(monkeypatch)  # and no handler registered for what it reads
    post(client, standard, *standard_delivery(json_body(id="msg_1"), message_id="msg_1"))

    settle_jobs()

    (row,) = kept(session, api.workspace.id)
    assert row.state == InboxState.failed
    assert row.error == "Unhandled: nothing handles a Said from standard"


def test_twilio_form_callbacks_verify_with_twilios_own_validator(api, client, session):
    connect(api, "twilio", {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN})
    url = "http://testserver" + inbound(api, "twilio")
    params = {
        "MessageSid": "SM123",
        "From": "+14155550100",
        "Body": "Hi there",
        "SmsStatus": "received",
    }
    headers = {
        "x-twilio-signature": twilio_signature(url, params),
        "content-type": "application/x-www-form-urlencoded",
    }

    accepted = client.post(url, content=urlencode(params), headers=headers)
    forged = client.post(url, content=urlencode({**params, "Body": "changed"}), headers=headers)

    assert accepted.status_code == 200, accepted.text
    assert forged.status_code == 401
    (row,) = kept(session, api.workspace.id)
    assert row.event_id == "SM123:received"


def test_a_twilio_status_callback_is_a_distinct_event_of_the_same_message(api, client, session):
    connect(api, "twilio", {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN})
    url = "http://testserver" + inbound(api, "twilio")
    for status in ("sent", "delivered", "delivered"):
        params = {"MessageSid": "SM9", "MessageStatus": status}
        headers = {
            "x-twilio-signature": twilio_signature(url, params),
            "content-type": "application/x-www-form-urlencoded",
        }
        assert client.post(url, content=urlencode(params), headers=headers).status_code == 200

    assert [row.event_id for row in kept(session, api.workspace.id)] == [
        "SM9:sent",
        "SM9:delivered",
    ]


def test_twilio_json_bodies_are_checked_against_body_sha256(api, client, session):
    import hashlib

    connect(api, "twilio", {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN})
    body = b'{"MessageSid": "SM77"}'
    url = (
        "http://testserver"
        + inbound(api, "twilio")
        + "?bodySHA256="
        + hashlib.sha256(body).hexdigest()
    )
    headers = {"x-twilio-signature": twilio_signature(url, {}), "content-type": "application/json"}

    assert client.post(url, content=body, headers=headers).status_code == 200
    assert client.post(url, content=body + b" ", headers=headers).status_code == 401


def test_hubspot_v3_signatures_and_their_timestamp_window(api, client, session):
    connect(api, "hubspot", {"client_secret": HUBSPOT_SECRET})
    url = "http://testserver" + inbound(api, "hubspot")
    body = json_body_list = b'[{"eventId": 1, "subscriptionType": "contact.creation"}]'

    fresh = client.post(url, content=body, headers=hubspot_headers("POST", url, body))
    stale_at = int((time.time() - 400) * 1000)
    stale = client.post(
        url, content=json_body_list, headers=hubspot_headers("POST", url, body, at_ms=stale_at)
    )

    assert fresh.status_code == 200, fresh.text
    assert stale.status_code == 401
    assert len(kept(session, api.workspace.id)) == 1


def test_calcom_signatures_and_booking_dedupe(api, client, session):
    connect(api, "calcom", {"webhook_secret": CAL_SECRET})
    url = inbound(api, "calcom")
    body = json_body(triggerEvent="BOOKING_CREATED", payload={"uid": "bk_1"})

    assert client.post(url, content=body, headers=cal_headers(body)).json()["duplicate"] is False
    assert client.post(url, content=body, headers=cal_headers(body)).json()["duplicate"] is True
    assert (
        client.post(url, content=body, headers={"x-cal-signature-256": "0" * 64}).status_code == 401
    )
    assert [row.event_id for row in kept(session, api.workspace.id)] == ["BOOKING_CREATED:bk_1"]


def test_a_body_over_one_mebibyte_is_refused(client, standard):
    body, headers = standard_delivery(b'{"pad": "' + b"x" * (1024 * 1024) + b'"}')

    response = post(client, standard, body, headers)

    assert response.status_code == 413


def test_a_changed_secret_key_never_turns_a_signed_webhook_into_a_500(
    api, client, session, monkeypatch
):
    """Settings sealed under a key leadflow no longer has cannot verify anything: the
    provider is told to come back (503), and once the old key is listed again, it is heard."""
    from leadflow.inbox.senders import forget
    from tests.secret_keys import keys_in_use

    old, new = "o" * 48, "n" * 48
    with keys_in_use(monkeypatch, old):
        connect(api, "twilio", {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN})
    url = "http://testserver" + inbound(api, "twilio")
    params = {"MessageSid": "SMkey", "From": "+14155550100", "Body": "Hi", "SmsStatus": "received"}
    headers = {
        "x-twilio-signature": twilio_signature(url, params),
        "content-type": "application/x-www-form-urlencoded",
    }
    with keys_in_use(monkeypatch, new):
        forget()
        unreadable = client.post(url, content=urlencode(params), headers=headers)
    with keys_in_use(monkeypatch, new, old):
        forget()
        heard = client.post(url, content=urlencode(params), headers=headers)
    assert unreadable.status_code == 503, unreadable.text
    assert unreadable.headers["content-type"].startswith("application/problem+json")
    assert "secret key" in unreadable.json()["detail"]
    assert heard.status_code == 200, heard.text
