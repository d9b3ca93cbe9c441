"""Twilio Programmable Messaging: the exact request that goes out for SMS, WhatsApp and
templates, the Message resource read back, error codes as refusals with reasons, and the
shared policy's retries for 429, 5xx and the network."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from leadflow.integrations.errors import ProviderUnavailable
from leadflow.integrations.messaging.base import DeliveryRefused, Outgoing
from leadflow.integrations.twilio.messages import Twilio

ACCOUNT = "AC0123456789abcdef0123456789abcdef"
TOKEN = "twilio-test-auth-token"
URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
SID = "SM1f0e8ae6ade43cb3c0ce4525424e404f"
OUR_NUMBER = "+15005550006"
LEAD = "+14155552671"
CALLBACK = "https://leads.example.com/api/v1/webhooks/twilio/acme"


def twilio(slept, policy, **options) -> Twilio:
    settings = {"sms_from": OUR_NUMBER, "whatsapp_from": "+14155238886", **options}
    return Twilio(
        account_sid=ACCOUNT,
        auth_token=TOKEN,
        policy=policy,
        sleep=slept.append,
        **settings,
    )


def outgoing(channel="sms", **fields) -> Outgoing:
    values = {"to": LEAD, "body": "Hi Dana, thanks for asking!", "idempotency_key": "msg-1"}
    return Outgoing(channel=channel, **{**values, **fields})


def message_resource(
    *,
    status: str = "queued",
    date_created: str = "Fri, 13 Aug 2010 01:16:24 +0000",
    date_sent: str | None = None,
) -> dict:
    """A Message resource as Twilio's API reference documents it."""
    return {
        "sid": SID,
        "account_sid": ACCOUNT,
        "to": LEAD,
        "from": OUR_NUMBER,
        "messaging_service_sid": None,
        "body": "Hi Dana, thanks for asking!",
        "status": status,
        "num_segments": "1",
        "num_media": "0",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "price": None,
        "price_unit": "USD",
        "error_code": None,
        "error_message": None,
        "date_created": date_created,
        "date_updated": date_created,
        "date_sent": date_sent,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{SID}.json",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{SID}/Media.json"},
    }


def twilio_error(code: int, message: str, status: int = 400) -> dict:
    """An error answer of Twilio's 2010 API."""
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def form_of(request: httpx.Request) -> dict[str, str]:
    fields = parse_qs(request.content.decode(), keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in fields.values())
    return {name: values[0] for name, values in fields.items()}


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@respx.mock
def test_an_sms_goes_out_as_the_documented_form_with_basic_auth(slept, policy):
    route = respx.post(URL).respond(201, json=message_resource())

    handed = twilio(slept, policy).send(outgoing(status_callback=CALLBACK))

    request = route.calls.last.request
    assert str(request.url) == URL
    assert request.headers["Authorization"] == basic(ACCOUNT, TOKEN)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Accept"] == "application/json"
    assert form_of(request) == {
        "To": LEAD,
        "From": OUR_NUMBER,
        "Body": "Hi Dana, thanks for asking!",
        "StatusCallback": CALLBACK,
    }
    assert handed.provider == "twilio"
    assert handed.provider_message_id == SID
    assert handed.status == "queued"
    assert handed.sent_at == datetime(2010, 8, 13, 1, 16, 24, tzinfo=UTC)


@respx.mock
def test_whatsapp_addresses_are_prefixed_and_arabic_survives(slept, policy):
    route = respx.post(URL).respond(201, json=message_resource(status="accepted"))
    body = "مرحبا دانة، أسعار الباقة الأساسية تبدأ من ٢٠٠ ريال"

    handed = twilio(slept, policy, whatsapp_from="whatsapp:+14155238886").send(
        outgoing("whatsapp", body=body)
    )

    assert form_of(route.calls.last.request) == {
        "To": f"whatsapp:{LEAD}",
        "From": "whatsapp:+14155238886",
        "Body": body,
    }
    assert handed.status == "accepted"


@respx.mock
def test_a_template_goes_as_content_sid_and_variables_without_a_body(slept, policy):
    route = respx.post(URL).respond(201, json=message_resource())

    twilio(slept, policy).send(
        outgoing(
            "whatsapp",
            body="(template: follow-up)",
            template="HXb5b62575e6e4ff6129ad7c8efe1f983e",
            template_variables={"1": "Dana", "2": "الثلاثاء"},
            status_callback=CALLBACK,
        )
    )

    form = form_of(route.calls.last.request)
    assert form == {
        "To": f"whatsapp:{LEAD}",
        "From": "whatsapp:+14155238886",
        "ContentSid": "HXb5b62575e6e4ff6129ad7c8efe1f983e",
        "ContentVariables": form["ContentVariables"],
        "StatusCallback": CALLBACK,
    }
    assert json.loads(form["ContentVariables"]) == {"1": "Dana", "2": "الثلاثاء"}


@respx.mock
def test_a_messaging_service_goes_with_or_instead_of_the_sender(slept, policy):
    route = respx.post(URL).respond(201, json=message_resource())
    service = "MG9752274e9e519418a7406176694466fa"

    twilio(slept, policy, messaging_service_sid=service).send(outgoing())
    twilio(slept, policy, sms_from="", messaging_service_sid=service).send(outgoing())

    with_sender, service_only = (form_of(call.request) for call in route.calls)
    assert with_sender["From"] == OUR_NUMBER
    assert with_sender["MessagingServiceSid"] == service
    assert "From" not in service_only
    assert service_only["MessagingServiceSid"] == service


@respx.mock
def test_a_message_may_name_its_own_sender(slept, policy):
    route = respx.post(URL).respond(201, json=message_resource())

    twilio(slept, policy).send(outgoing(sender="+15005550001"))
    twilio(slept, policy).send(outgoing("whatsapp", sender="+15005550002"))

    sms, whatsapp = (form_of(call.request) for call in route.calls)
    assert sms["From"] == "+15005550001"
    assert whatsapp["From"] == "whatsapp:+15005550002"


@respx.mock
def test_an_api_key_signs_in_for_the_account(slept, policy):
    route = respx.post(URL).respond(201, json=message_resource())
    sender = Twilio(
        account_sid=ACCOUNT,
        api_key=("SK0123456789abcdef0123456789abcdef", "key-secret"),
        sms_from=OUR_NUMBER,
        policy=policy,
        sleep=slept.append,
    )

    sender.send(outgoing())

    request = route.calls.last.request
    assert str(request.url) == URL
    assert request.headers["Authorization"] == basic(
        "SK0123456789abcdef0123456789abcdef", "key-secret"
    )


@respx.mock
def test_the_time_twilio_sent_it_is_preferred_to_the_time_it_was_created(slept, policy):
    respx.post(URL).respond(
        201,
        json=message_resource(status="sent", date_sent="Fri, 13 Aug 2010 01:16:27 +0000"),
    )

    handed = twilio(slept, policy).send(outgoing())

    assert handed.status == "sent"
    assert handed.sent_at == datetime(2010, 8, 13, 1, 16, 27, tzinfo=UTC)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(201, text="<TwilioResponse/>"),
        httpx.Response(201, json=["not", "an", "object"]),
        httpx.Response(201, json={"sid": "'; DROP TABLE", "status": "<b>", "date_created": 7}),
    ],
)
def test_an_unreadable_acceptance_is_not_sent_again(slept, policy, answer):
    with respx.mock:
        route = respx.post(URL).mock(return_value=answer)
        handed = twilio(slept, policy).send(outgoing())

    assert route.call_count == 1
    assert (handed.provider_message_id, handed.status, handed.sent_at) == (None, "queued", None)


REFUSALS = [
    (21610, "Attempt to send to unsubscribed recipient", "opted_out", "opted out"),
    (21211, "The 'To' number +1415555 is not a valid phone number.", "invalid_recipient", "valid"),
    (21614, "'To' number is not a valid mobile number", "invalid_recipient", "not a mobile"),
    (63024, "Invalid message recipient", "invalid_recipient", "WhatsApp"),
    (
        63016,
        "Failed to send freeform message because you are outside the allowed window. "
        "If you are using WhatsApp, please use a Message Template.",
        "template_required",
        "24 hours",
    ),
    (21408, "Permission to send an SMS has not been enabled", "misconfigured", "country"),
]


@pytest.mark.parametrize(("code", "said", "reason", "shown"), REFUSALS)
def test_each_known_error_code_is_a_refusal_with_its_reason(
    slept, policy, code, said, reason, shown
):
    with respx.mock:
        route = respx.post(URL).respond(400, json=twilio_error(code, said))
        with pytest.raises(DeliveryRefused) as refused:
            twilio(slept, policy).send(outgoing("whatsapp" if code // 1000 == 63 else "sms"))

    assert route.call_count == 1
    assert slept == []
    assert refused.value.reason == reason
    assert refused.value.provider == "twilio"
    assert refused.value.provider_code == str(code)
    assert refused.value.provider_status == 400
    assert shown in refused.value.message
    assert refused.value.extra["reason"] == reason


@respx.mock
def test_rejected_credentials_are_a_misconfiguration(slept, policy):
    respx.post(URL).respond(401, json=twilio_error(20003, "Authenticate", status=401))

    with pytest.raises(DeliveryRefused) as refused:
        twilio(slept, policy).send(outgoing())

    assert refused.value.reason == "misconfigured"
    assert refused.value.provider_status == 401
    assert "credentials" in refused.value.message


@respx.mock
def test_an_unknown_code_is_a_plain_rejection_that_says_what_twilio_said(slept, policy):
    respx.post(URL).respond(
        400, json=twilio_error(21999, "Something new at Twilio" + " and more" * 60)
    )

    with pytest.raises(DeliveryRefused) as refused:
        twilio(slept, policy).send(outgoing())

    assert refused.value.reason == "rejected"
    assert refused.value.provider_code == "21999"
    assert refused.value.message.startswith(
        "Twilio refused the message (error 21999): Something new at Twilio"
    )
    assert len(refused.value.message) < 300


@respx.mock
def test_a_refusal_without_json_is_still_a_refusal(slept, policy):
    respx.post(URL).respond(400, text="Bad Request")

    with pytest.raises(DeliveryRefused) as refused:
        twilio(slept, policy).send(outgoing())

    assert refused.value.reason == "rejected"
    assert refused.value.provider_code is None
    assert "error 400" in refused.value.message


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_throttling_and_server_errors_are_retried(slept, policy, status):
    with respx.mock:
        route = respx.post(URL).mock(
            side_effect=[
                httpx.Response(status, json=twilio_error(20429, "Too Many Requests", status)),
                httpx.Response(201, json=message_resource()),
            ]
        )
        handed = twilio(slept, policy).send(outgoing())

    assert route.call_count == 2
    assert len(slept) == 1
    assert handed.provider_message_id == SID
    assert form_of(route.calls[0].request) == form_of(route.calls[1].request)


@respx.mock
def test_twilio_down_ends_as_an_operational_error_after_the_policy_attempts(slept, policy):
    route = respx.post(URL).respond(503, headers={"Retry-After": "2"})

    with pytest.raises(ProviderUnavailable) as unavailable:
        twilio(slept, policy).send(outgoing())

    assert route.call_count == policy.max_attempts
    assert slept == [2.0] * (policy.max_attempts - 1)
    assert unavailable.value.provider == "twilio"
    assert not isinstance(unavailable.value, DeliveryRefused)


@respx.mock
def test_the_network_failing_is_retried_then_operational(slept, policy):
    route = respx.post(URL).mock(side_effect=httpx.ConnectError("connection refused"))

    with pytest.raises(ProviderUnavailable):
        twilio(slept, policy).send(outgoing())

    assert route.call_count == policy.max_attempts
    assert len(slept) == policy.max_attempts - 1


@pytest.mark.parametrize(
    "to", ["4155552671", "+1 415 555 2671", f"whatsapp:{LEAD}", "+0123", "dana@example.com", ""]
)
def test_a_number_not_in_international_format_is_refused_before_any_request(slept, policy, to):
    with respx.mock:
        route = respx.post(URL).respond(201, json=message_resource())
        with pytest.raises(DeliveryRefused) as refused:
            twilio(slept, policy).send(outgoing("whatsapp", to=to))

    assert not route.called
    assert refused.value.reason == "invalid_recipient"


@respx.mock
def test_a_channel_without_a_sender_is_a_misconfiguration(slept, policy):
    route = respx.post(URL).respond(201, json=message_resource())

    with pytest.raises(DeliveryRefused) as refused:
        twilio(slept, policy, whatsapp_from="").send(outgoing("whatsapp"))

    assert not route.called
    assert refused.value.reason == "misconfigured"


def test_twilio_does_not_send_email(slept, policy):
    with pytest.raises(ValueError, match="not email"):
        twilio(slept, policy).send(outgoing("email", to="dana@example.com"))
