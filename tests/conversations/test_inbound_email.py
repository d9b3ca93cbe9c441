"""Email in through SendGrid's Inbound Parse webhook, signed by its security policy (ECDSA
P-256 over the timestamp and the raw body): verified, read, and answered by the agent."""

from __future__ import annotations

import base64
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from leadflow.integrations.sendgrid.email_form import new_part
from leadflow.models import Lead
from tests.builders import settle_jobs
from tests.conversations.support import thread
from tests.inbox.support import connect
from tests.knowledge.support import fill_with_the_agency, make_knowledge_base

BOUNDARY = "xYzZY"


@pytest.fixture
def signing_key(api) -> ec.EllipticCurvePrivateKey:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    connect(api, "sendgrid", {"verification_key": base64.b64encode(public).decode()})
    kb = make_knowledge_base(api, "Agency")
    fill_with_the_agency(api, kb["id"])
    return key


def parse_form(**fields: str) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


def post_email(api, key, body: bytes, *, signed: bytes | None = None):
    timestamp = str(int(time.time()))
    signature = key.sign(timestamp.encode() + (signed or body), ec.ECDSA(hashes.SHA256()))
    return api.client.post(
        f"/api/v1/inbound/{api.workspace.slug}/sendgrid",
        content=body,
        headers={
            "content-type": f"multipart/form-data; boundary={BOUNDARY}",
            "x-twilio-email-event-webhook-signature": base64.b64encode(signature).decode(),
            "x-twilio-email-event-webhook-timestamp": timestamp,
        },
    )


EMAIL = parse_form(
    headers="Message-ID: <abc123@mail.example.com>\nSubject: Villas",
    **{"from": "Layla Nasser <Layla@Example.com>"},
    to="sales@homes.example",
    subject="Villas",
    text="Do the villas come with a warranty?\n\nOn Mon, 1 Jan 2026 someone wrote:\n> old text",
)


def test_a_signed_email_is_answered_by_email(api, signing_key, session):
    answered = post_email(api, signing_key, EMAIL)
    assert answered.status_code == 200, answered.text
    settle_jobs()

    lead = (
        session.query(Lead)
        .filter_by(workspace_id=api.workspace.id, email="layla@example.com")
        .one()
    )
    question, answer = thread(api.workspace.id, lead.id)
    assert (question.channel, question.provider) == ("email", "sendgrid")
    assert question.provider_message_id == "abc123@mail.example.com"
    assert "old text" not in question.body
    assert answer.channel == "email"
    assert "10-year warranty" in answer.body


def test_a_forged_or_replayed_email_is_refused(api, signing_key, session):
    forged = post_email(api, signing_key, EMAIL, signed=parse_form(text="something else"))
    assert forged.status_code == 401
    other_key = ec.generate_private_key(ec.SECP256R1())
    assert post_email(api, other_key, EMAIL).status_code == 401
    assert post_email(api, signing_key, EMAIL).status_code == 200
    assert post_email(api, signing_key, EMAIL).status_code == 200  # the same Message-ID...
    settle_jobs()
    lead = (
        session.query(Lead)
        .filter_by(workspace_id=api.workspace.id, email="layla@example.com")
        .one()
    )
    assert [m.direction for m in thread(api.workspace.id, lead.id)] == ["in", "out"]  # ...once


def test_quoted_history_is_left_out():
    assert new_part("Yes please.\n\nOn Tue, 2 Jan 2026, Ali wrote:\n> Shall we?") == "Yes please."
    assert new_part("نعم\n> سابق") == "نعم"
    assert new_part("") == ""
