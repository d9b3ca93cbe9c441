"""Which sender each channel of a workspace that connected nothing gets: the outbox by default
(and then nothing reaches the network), the platform's account when its settings configure
one, and a clear error when one is set only in part."""

from __future__ import annotations

import socket

import pytest
import respx

from leadflow.integrations.messaging.base import Outgoing
from leadflow.integrations.messaging.local import Outbox
from leadflow.integrations.smtp.sender import Smtp
from leadflow.integrations.twilio.messages import Twilio
from leadflow.integrations.vendor import PlatformMisconfigured
from leadflow.providers.service import sender_for

TWILIO = {
    "twilio_account_sid": "AC0123456789abcdef0123456789abcdef",
    "twilio_auth_token": "twilio-test-auth-token",
}
SMTP = {"smtp_host": "smtp.example.com", "smtp_from": "Acme Sales <sales@acme.example.com>"}

MESSAGES = [
    Outgoing(channel="sms", to="+14155552671", body="Hi Dana", idempotency_key="k-sms"),
    Outgoing(channel="whatsapp", to="+14155552671", body="Hi Dana", idempotency_key="k-wa"),
    Outgoing(
        channel="email",
        to="dana@example.com",
        subject="Your question",
        body="Hi Dana",
        idempotency_key="k-email",
    ),
]


@pytest.fixture
def no_network(monkeypatch):
    """Any connection attempt, HTTP or SMTP, fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"the network was reached: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with respx.mock(assert_all_called=False):  # no route: any HTTP request would fail
        yield


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.channel)
def test_by_default_every_channel_keeps_its_messages_and_sends_nothing(
    no_network, session, workspace, message
):
    way = sender_for(session, workspace.id, message.channel)
    sender = way.sender

    handed = sender.send(message)

    assert isinstance(sender, Outbox)
    assert handed.provider == "outbox"
    assert handed.status == "kept"
    assert handed.provider_message_id is not None
    assert handed.provider_message_id.startswith("outbox-")
    assert handed.sent_at is None
    assert (way.account, way.sent_via) == (None, "outbox")


def test_the_outbox_gives_each_message_its_own_id():
    first, second = (Outbox().send(MESSAGES[0]).provider_message_id for _ in range(2))
    assert first != second


def test_twilio_serves_the_channels_it_has_a_sender_for(configured, session, workspace):
    configured(**TWILIO, twilio_sms_from="+15005550006")

    sms = sender_for(session, workspace.id, "sms")
    assert isinstance(sms.sender, Twilio)
    assert sms.sender.account_sid == TWILIO["twilio_account_sid"]
    assert sms.sent_via == "twilio:platform"
    assert isinstance(sender_for(session, workspace.id, "whatsapp").sender, Outbox)
    assert isinstance(sender_for(session, workspace.id, "email").sender, Outbox)


def test_a_messaging_service_serves_sms_and_whatsapp(configured, session, workspace):
    configured(**TWILIO, twilio_messaging_service_sid="MG9752274e9e519418a7406176694466fa")

    assert isinstance(sender_for(session, workspace.id, "sms").sender, Twilio)
    assert isinstance(sender_for(session, workspace.id, "whatsapp").sender, Twilio)


def test_an_api_key_may_stand_for_the_auth_token(configured, session, workspace):
    configured(
        twilio_account_sid=TWILIO["twilio_account_sid"],
        twilio_api_key_sid="SK0123456789abcdef0123456789abcdef",
        twilio_api_key_secret="key-secret",
        twilio_whatsapp_from="whatsapp:+14155238886",
    )

    whatsapp = sender_for(session, workspace.id, "whatsapp").sender

    assert isinstance(whatsapp, Twilio)
    assert whatsapp.senders["whatsapp"] == "+14155238886"


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25)])
def test_smtp_serves_email_on_its_usual_port(configured, session, workspace, security, port):
    configured(**SMTP, smtp_tls=security)
    sender = sender_for(session, workspace.id, "email").sender

    assert isinstance(sender, Smtp)
    assert (sender.host, sender.port, sender.security) == ("smtp.example.com", port, security)
    assert sender.sender == ("Acme Sales", "sales@acme.example.com")
    assert isinstance(sender_for(session, workspace.id, "sms").sender, Outbox)


def test_a_port_set_is_the_port_used(configured, session, workspace):
    configured(**SMTP, smtp_port=2525)
    sender = sender_for(session, workspace.id, "email").sender
    assert isinstance(sender, Smtp)
    assert sender.port == 2525


@pytest.mark.parametrize(
    ("channel", "settings", "named"),
    [
        ("sms", {"twilio_account_sid": TWILIO["twilio_account_sid"]}, "AUTH_TOKEN"),
        ("whatsapp", {"twilio_auth_token": "t", "twilio_sms_from": "+1"}, "SID"),
        ("sms", {**TWILIO, "twilio_api_key_sid": "SK0123"}, "API_KEY_SECRET"),
        ("email", {"smtp_host": "smtp.example.com"}, "SMTP_FROM"),
        ("email", {"smtp_from": "sales@acme.example.com"}, "SMTP_HOST"),
        ("email", {**SMTP, "smtp_username": "sales"}, "SMTP_PASSWORD"),
        ("email", {**SMTP, "smtp_from": "not an address"}, "SMTP_FROM"),
    ],
)
def test_a_provider_set_in_part_is_refused_by_name(
    configured, session, workspace, channel, settings, named
):
    configured(**settings)
    with pytest.raises(PlatformMisconfigured, match=named):
        sender_for(session, workspace.id, channel)
