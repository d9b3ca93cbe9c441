"""The unsubscribe link: every email to a lead carries one (seen here at a real SMTP server); its
page only asks, and its POST (the button, or a mail client's one-click POST, RFC 8058)
withdraws the lead's consent through the one writer, entry and event included."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from leadflow.conversations.service import Inbound, receive
from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.models import Activity, ConsentStatus, Event, Lead
from tests.builders import settle_jobs

PUBLIC = "https://leads.example.com"


class Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(configured):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    configured(
        smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none", smtp_from="sales@homes.example",
        public_url=PUBLIC,
    )  # fmt: skip
    yield sink
    controller.stop()


def test_an_email_to_a_lead_carries_its_link_and_the_link_unsubscribes(api, smtp_sink):
    with unit_of_work() as session:
        inbound = Inbound(channel="email", sender="dana@example.com", body="Villas?",
                          provider="tests")  # fmt: skip
        message = receive(session, session.merge(api.workspace), inbound)
        assert message is not None
        lead_id = message.lead_id
    settle_jobs()

    (raw,) = smtp_sink.received
    email = message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=default_policy)
    text = str(email.get_body(("plain",)).get_content())
    (link,) = re.findall(rf"{re.escape(PUBLIC)}(/api/v1/unsubscribe/\S+)", text)

    asked = api.client.get(link)
    assert asked.status_code == 200
    assert "Unsubscribe" in asked.text
    assert _consent(lead_id) == ConsentStatus.unknown  # a scanner's visit changes nothing

    form = {"content-type": "application/x-www-form-urlencoded"}
    one_click = api.client.post(link, content=b"List-Unsubscribe=One-Click", headers=form)
    assert one_click.status_code == 200
    assert "You are unsubscribed" in one_click.text
    assert _consent(lead_id) == ConsentStatus.denied
    with get_sessionmaker(writes=False)() as session:
        (entry,) = session.scalars(
            select(Activity).where(Activity.lead_id == lead_id, Activity.kind.like("consent.%"))
        )
        assert (entry.kind, entry.actor, entry.data["source"]) == (
            "consent.revoked", "lead", "unsubscribe link",
        )  # fmt: skip
        events = session.scalars(
            select(Event.type).where(Event.lead_id == lead_id, Event.type.like("lead.consent.%"))
        ).all()
        assert events == ["lead.consent.revoked"]
    assert api.client.post(link).status_code == 200  # again: nothing more happens


def test_a_link_not_signed_by_us_finds_nobody(api, session):
    lead_id = api.post("/api/v1/leads", json={"email": "x@example.com"}).json()["lead"]["id"]
    for token in (f"{lead_id}.bm90LW91cnM", "1.", "abc.def", f"{lead_id}"):
        assert api.client.post(f"/api/v1/unsubscribe/{token}").status_code in (404, 422), token
    assert _consent(lead_id) == ConsentStatus.unknown


def _consent(lead_id: int) -> str:
    with get_sessionmaker(writes=False)() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead.consent_status
