"""With Twilio configured, the agent's reply leaves through Twilio's Messages API (asked for
exactly as documented), with a status callback to leadflow's inbox, which then moves the
message on to delivered."""

from __future__ import annotations

import urllib.parse

import pytest
import respx

from leadflow.config import get_settings
from tests.builders import settle_jobs
from tests.conversations.support import connect_twilio, lead_by_phone, thread, twilio_message
from tests.inbox.support import TWILIO_SID, TWILIO_TOKEN, twilio_signature

MESSAGES = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"


@pytest.fixture
def twilio_sends(monkeypatch):
    monkeypatch.setenv("LEADFLOW_TWILIO_ACCOUNT_SID", TWILIO_SID)
    monkeypatch.setenv("LEADFLOW_TWILIO_AUTH_TOKEN", TWILIO_TOKEN)
    monkeypatch.setenv("LEADFLOW_TWILIO_SMS_FROM", "+966110000000")
    monkeypatch.setenv("LEADFLOW_PUBLIC_URL", "https://leads.homes.example")
    get_settings.cache_clear()
    with respx.mock(assert_all_called=False) as outside:
        outside.post(MESSAGES).respond(
            201, json={"sid": "SM" + "f" * 32, "status": "queued",
                       "date_created": "Sat, 21 Nov 2026 10:00:00 +0000"},
        )  # fmt: skip
        yield outside
    get_settings.cache_clear()


def test_the_reply_goes_through_twilio_and_its_delivery_is_reported_back(api, twilio_sends):
    connect_twilio(api)
    twilio_message(api, "+966501112233", "Do you sell commercial space?")
    settle_jobs()

    (call,) = twilio_sends.calls
    form = dict(urllib.parse.parse_qsl(call.request.content.decode()))
    assert form["To"] == "+966501112233"
    assert form["From"] == "+966110000000"
    assert form["StatusCallback"] == (
        f"https://leads.homes.example/api/v1/inbound/{api.workspace.slug}/twilio"
    )
    lead = lead_by_phone(api.workspace.id, "+966501112233")
    _, answer = thread(api.workspace.id, lead.id)
    assert (answer.provider, answer.provider_message_id, answer.status) == (
        "twilio", "SM" + "f" * 32, "queued",
    )  # fmt: skip
    assert form["Body"] == answer.body

    url = f"https://leads.homes.example/api/v1/inbound/{api.workspace.slug}/twilio"
    callback = {"MessageSid": answer.provider_message_id, "MessageStatus": "delivered",
                "AccountSid": TWILIO_SID}  # fmt: skip
    delivered = api.client.post(
        f"/api/v1/inbound/{api.workspace.slug}/twilio",
        content=urllib.parse.urlencode(callback),
        headers={"x-twilio-signature": twilio_signature(url, callback),
                 "content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert delivered.status_code == 200, delivered.text
    settle_jobs()
    assert thread(api.workspace.id, lead.id)[-1].status == "delivered"


def _report(api, message_sid: str, status: str, **more: str):
    url = f"https://leads.homes.example/api/v1/inbound/{api.workspace.slug}/twilio"
    callback = {"MessageSid": message_sid, "MessageStatus": status, "AccountSid": TWILIO_SID,
                **more}  # fmt: skip
    return api.client.post(
        f"/api/v1/inbound/{api.workspace.slug}/twilio",
        content=urllib.parse.urlencode(callback),
        headers={"x-twilio-signature": twilio_signature(url, callback),
                 "content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip


def test_an_undelivered_reply_is_announced_once_for_what_reacts_to_it(api, twilio_sends):
    connect_twilio(api)
    twilio_message(api, "+966501112244", "Is the villa still available?")
    settle_jobs()
    lead = lead_by_phone(api.workspace.id, "+966501112244")
    _, answer = thread(api.workspace.id, lead.id)

    for _ in range(2):  # Twilio may report the same failure more than once
        reported = _report(api, answer.provider_message_id, "undelivered", ErrorCode="30003")
        assert reported.status_code == 200, reported.text
        settle_jobs()

    events = api.get("/api/v1/events", params={"limit": 500}).json()["items"]
    failed = [event["data"] for event in events if event["type"] == "message.failed"]
    assert [(data["message_id"], data["status"]) for data in failed] == [(answer.id, "undelivered")]
    assert thread(api.workspace.id, lead.id)[-1].status == "undelivered"
