"""Two businesses, each with its own Twilio account and its own mail server, on one leadflow
whose platform has a Twilio account and a mail server of its own: each business's replies
leave through its own account (asked of api.twilio.com with that account's SID and
credentials) and its own server (two real SMTP servers), and each one's delivery reports are
checked against its own auth token. A business that connected nothing is served by the
platform's; with neither, its messages stay in the outbox."""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parseaddr

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from leadflow.db import get_sessionmaker
from leadflow.models import Message
from leadflow.providers.service import sender_for
from tests.builders import Api, make_api_key, make_workspace, settle_jobs, unique
from tests.conversations.support import (
    lead_by_phone,
    messages_url,
    thread,
    twilio_message,
    twilio_takes_messages,
)
from tests.inbox.support import connect, twilio_signature
from tests.integrations.smtp.support import Sink, free_port

PUBLIC = "https://leads.example.com"


@dataclass(frozen=True)
class Business:
    """A workspace, its API, and the accounts it connected (or, for the platform, has)."""

    api: Api
    account_sid: str
    token: str
    number: str  # the Twilio number its leads write to
    mail_from: str
    sink: Sink


PLATFORM_SID, PLATFORM_TOKEN = "AC" + "c" * 32, "platform-token-0123456789abcdef"
PLATFORM_NUMBER, PLATFORM_FROM = "+15005550006", "Leadflow <noreply@leadflow.example.com>"


@pytest.fixture
def sinks() -> Iterator[list[tuple[Sink, int]]]:
    """Three real SMTP servers: the first business's, the second's, the platform's."""
    controllers, served = [], []
    for _ in range(3):
        sink, port = Sink(), free_port()
        controllers.append(Controller(sink, hostname="127.0.0.1", port=port))
        controllers[-1].start()
        served.append((sink, port))
    yield served
    for controller in controllers:
        controller.stop()


@pytest.fixture
def platform(configured, sinks) -> Sink:
    """The platform's own Twilio account and mail server, from its settings."""
    sink, port = sinks[2]
    configured(
        public_url=PUBLIC, allow_private_provider_hosts="true",
        twilio_account_sid=PLATFORM_SID, twilio_auth_token=PLATFORM_TOKEN,
        twilio_sms_from=PLATFORM_NUMBER, smtp_host="127.0.0.1", smtp_port=port,
        smtp_tls="none", smtp_from=PLATFORM_FROM,
    )  # fmt: skip
    return sink


def business(client, session, *, letter: str, sink: Sink, port: int) -> Business:
    workspace = make_workspace(session, name=f"Business {letter.upper()}")
    api = Api(client, make_api_key(session, workspace), workspace)
    sid, token = "AC" + letter * 32, f"{letter}-token-" + letter * 24
    mail_from = f"Business {letter.upper()} <sales@{letter}-homes.example.com>"
    connect(api, "twilio", {"account_sid": sid, "auth_token": token})
    connect(api, "smtp", {"host": "127.0.0.1", "port": port, "security": "none",
                          "from_address": mail_from})  # fmt: skip
    return Business(api, sid, token, f"+1415555{ord(letter):04d}", mail_from, sink)


@pytest.fixture
def first(client, session, sinks, platform) -> Business:
    return business(client, session, letter="a", sink=sinks[0][0], port=sinks[0][1])


@pytest.fixture
def second(client, session, sinks, platform) -> Business:
    return business(client, session, letter="b", sink=sinks[1][0], port=sinks[1][1])


@pytest.fixture
def unconnected(client, session, platform) -> Business:
    workspace = make_workspace(session, name="Business P")
    api = Api(client, make_api_key(session, workspace), workspace)
    return Business(api, PLATFORM_SID, PLATFORM_TOKEN, PLATFORM_NUMBER, PLATFORM_FROM, platform)


def basic(account_sid: str, token: str) -> str:
    return "Basic " + base64.b64encode(f"{account_sid}:{token}".encode()).decode()


def write_in_by_sms(business: Business, lead: str) -> Message:
    """A lead texts the business; the agent's reply, once the jobs ran."""
    twilio_message(
        business.api, lead, "Hello, do you have villas for sale?",
        account_sid=business.account_sid, token=business.token, to=business.number,
    )  # fmt: skip
    settle_jobs()
    lead_id = lead_by_phone(business.api.workspace.id, lead).id
    (_question, answer) = thread(business.api.workspace.id, lead_id)
    assert answer.direction == "out"
    return answer


def write_in_by_form(business: Business, email: str) -> Message:
    """A lead writes through the business's web form; the agent answers by email."""
    token = business.api.get("/api/v1/workspace").json()["form_token"]
    submitted = business.api.client.post(
        f"/api/v1/forms/{token}", data={"name": "Dana", "email": email,
                                        "message": "Is the deposit refundable?"},
    )  # fmt: skip
    assert submitted.status_code == 202, submitted.text
    settle_jobs()
    with get_sessionmaker(writes=False)() as session:
        answer = session.scalars(
            select(Message).where(
                Message.workspace_id == business.api.workspace.id, Message.direction == "out"
            )
        ).one()
        session.expunge(answer)
    return answer


def report(business: Business, message: Message, *, status: str, token: str, query: str = ""):
    """Twilio's status callback for ``message``, signed with ``token``, at the URL it was
    given."""
    path = f"/api/v1/inbound/{business.api.workspace.slug}/twilio" + query
    form = {"MessageSid": message.provider_message_id or "", "MessageStatus": status,
            "AccountSid": business.account_sid}  # fmt: skip
    return business.api.client.post(
        path, content=urllib.parse.urlencode(form),
        headers={"x-twilio-signature": twilio_signature(PUBLIC + path, form, token),
                 "content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip


def status_of(message: Message) -> str:
    with get_sessionmaker(writes=False)() as session:
        found = session.get(Message, message.id)
        assert found is not None
        return found.status


def test_each_business_texts_back_through_its_own_twilio_account(first, second, unconnected):
    with twilio_takes_messages(first.account_sid, second.account_sid, PLATFORM_SID) as twilio:
        leads = {first: "+966501110001", second: "+966501110002", unconnected: "+966501110003"}
        replies = {business: write_in_by_sms(business, lead) for business, lead in leads.items()}
        asked = {business: twilio[business.account_sid].calls for business in leads}

    for business, reply in replies.items():
        (call,) = asked[business]
        assert call.request.url == messages_url(business.account_sid)
        assert call.request.headers["authorization"] == basic(business.account_sid, business.token)
        form = dict(urllib.parse.parse_qsl(call.request.content.decode()))
        assert (form["To"], form["From"], form["Body"]) == (
            leads[business], business.number, reply.body,
        )  # fmt: skip
        assert reply.provider_message_id is not None
        assert reply.status == "queued"
        callback = f"{PUBLIC}/api/v1/inbound/{business.api.workspace.slug}/twilio"
        if business is unconnected:
            assert (reply.sent_via, form["StatusCallback"]) == (
                "twilio:platform", callback + "?account=platform",
            )  # fmt: skip
        else:
            assert (reply.sent_via, form["StatusCallback"]) == ("twilio:workspace", callback)


def test_each_business_emails_back_through_its_own_mail_server(first, second, unconnected):
    leads = {b.api.workspace.slug: f"{unique('dana')}@example.com"
             for b in (first, second, unconnected)}  # fmt: skip
    replies = {slug: write_in_by_form(b, leads[slug])
               for b in (first, second, unconnected) if (slug := b.api.workspace.slug)}  # fmt: skip

    for business in (first, second, unconnected):
        reply = replies[business.api.workspace.slug]
        (envelope,) = business.sink.received
        email = business.sink.only_email()
        assert envelope.mail_from == parseaddr(business.mail_from)[1]
        assert envelope.rcpt_tos == [leads[business.api.workspace.slug]]
        assert email["From"] == business.mail_from
        assert (email["Message-ID"], reply.status) == (reply.provider_message_id, "sent")
    assert [replies[b.api.workspace.slug].sent_via for b in (first, second, unconnected)] == [
        "smtp:workspace", "smtp:workspace", "smtp:platform",
    ]  # fmt: skip


def test_each_business_delivery_reports_are_checked_against_its_own_token(
    first, second, unconnected
):
    with twilio_takes_messages(first.account_sid, second.account_sid, PLATFORM_SID):
        replies = [
            write_in_by_sms(business, f"+96650222000{n}")
            for n, business in enumerate((first, second, unconnected))
        ]
    first_reply, second_reply, platform_reply = replies

    assert report(first, first_reply, status="delivered", token=second.token).status_code == 401
    assert report(second, second_reply, status="delivered", token=first.token).status_code == 401
    assert report(first, first_reply, status="delivered", token=PLATFORM_TOKEN).status_code == 401
    assert report(unconnected, platform_reply, status="delivered", token=first.token,
                  query="?account=platform").status_code == 401  # fmt: skip
    settle_jobs()
    assert [status_of(reply) for reply in replies] == ["queued"] * 3

    assert report(first, first_reply, status="delivered", token=first.token).status_code == 200
    assert report(second, second_reply, status="read", token=second.token).status_code == 200
    assert report(unconnected, platform_reply, status="delivered", token=PLATFORM_TOKEN,
                  query="?account=platform").status_code == 200  # fmt: skip
    settle_jobs()
    assert [status_of(reply) for reply in replies] == ["delivered", "read", "delivered"]


def test_a_report_on_what_the_platform_sent_is_checked_against_the_platform_after_the_business_connects_its_own(  # noqa: E501
    unconnected,
):
    with twilio_takes_messages(PLATFORM_SID):
        reply = write_in_by_sms(unconnected, "+966503330000")
    connect(unconnected.api, "twilio", {"account_sid": "AC" + "d" * 32, "auth_token": "d" * 32})

    sent = report(unconnected, reply, status="delivered", token=PLATFORM_TOKEN,
                  query="?account=platform")  # fmt: skip
    assert sent.status_code == 200, sent.text
    settle_jobs()
    assert status_of(reply) == "delivered"
    # The unqualified address now belongs to the business's own account.
    assert report(unconnected, reply, status="read", token=PLATFORM_TOKEN).status_code == 401


def test_with_neither_a_connection_nor_the_platforms_settings_messages_stay_in_the_outbox(
    client, session
):
    workspace = make_workspace(session)
    alone = Business(Api(client, make_api_key(session, workspace), workspace), "", "", "", "",
                     Sink())  # fmt: skip

    reply = write_in_by_form(alone, "omar@example.com")

    assert (reply.provider, reply.status, reply.sent_via) == ("outbox", "kept", "outbox")
    for channel in ("sms", "whatsapp", "email"):
        assert sender_for(session, workspace.id, channel).sent_via == "outbox"
