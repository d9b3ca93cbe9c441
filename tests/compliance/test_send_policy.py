"""The send policy is one function, asked when a message is queued (by the agent or a person)
and again when it is handed to its channel; a refused message keeps why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from leadflow.compliance.policy import Refusal, may_send
from leadflow.conversations.service import Inbound, queue_outgoing, receive
from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.models import (
    ConsentStatus,
    Conversation,
    Event,
    Job,
    Lead,
    Message,
    MessageAuthor,
    MessageStatus,
    Workspace,
)
from tests.builders import make_workspace, settle_jobs
from tests.dashboard.support import Browser, make_person

NIGHT_IN_RIYADH = datetime(2026, 12, 7, 20, 30, tzinfo=UTC)  # 23:30 in Riyadh
MORNING_IN_RIYADH = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # 10:00 in Riyadh


def lead_writing(workspace: Workspace, body: str, *, channel: str = "sms") -> tuple[int, int]:
    """A lead who wrote ``body`` on ``channel``: their id and their conversation's."""
    sender = "lead@example.com" if channel == "email" else "+966505550000"
    with unit_of_work() as session:
        inbound = Inbound(channel=channel, sender=sender, body=body, provider="tests")
        message = receive(session, session.merge(workspace), inbound)
        assert message is not None
        return message.lead_id, message.conversation_id


def verdict(lead_id: int, conversation_id: int, **kwargs):
    with get_sessionmaker(writes=False)() as session:
        lead = session.get(Lead, lead_id)
        conversation = session.get(Conversation, conversation_id)
        assert lead is not None
        assert conversation is not None
        return may_send(session, lead, conversation, **kwargs)


def change(lead_id: int, conversation_id: int, **columns) -> None:
    with unit_of_work() as session:
        lead = session.get(Lead, lead_id)
        conversation = session.get(Conversation, conversation_id)
        for name, value in columns.items():
            setattr(conversation if name == "last_inbound_at" else lead, name, value)


def test_a_lead_who_opted_out_gets_only_the_confirmation(session):
    lead_id, conversation_id = lead_writing(make_workspace(session), "STOP")
    refused = verdict(lead_id, conversation_id)
    assert (refused.allowed, refused.refusal) == (False, Refusal.no_consent)
    assert "asked not to be contacted" in refused.reason
    assert verdict(lead_id, conversation_id, confirming_opt_out=True).allowed


def test_whatsapp_takes_free_text_only_within_a_day_of_the_leads_message(session):
    lead_id, conversation_id = lead_writing(make_workspace(session), "hi", channel="whatsapp")
    assert verdict(lead_id, conversation_id).allowed
    change(lead_id, conversation_id, last_inbound_at=datetime.now(UTC) - timedelta(hours=25))
    assert verdict(lead_id, conversation_id).refusal == Refusal.whatsapp_window


def test_a_text_the_lead_did_not_just_ask_for_waits_out_their_night(session):
    lead_id, conversation_id = lead_writing(make_workspace(session), "hi")
    change(lead_id, conversation_id, time_zone="Asia/Riyadh",
           last_inbound_at=NIGHT_IN_RIYADH - timedelta(days=3))  # fmt: skip
    assert verdict(lead_id, conversation_id, at=NIGHT_IN_RIYADH).refusal == Refusal.quiet_hours
    assert verdict(lead_id, conversation_id, at=MORNING_IN_RIYADH).allowed

    change(lead_id, conversation_id, last_inbound_at=NIGHT_IN_RIYADH - timedelta(minutes=5))
    assert verdict(lead_id, conversation_id, at=NIGHT_IN_RIYADH).allowed  # an answer


def test_quiet_hours_are_the_workspaces_when_the_lead_has_no_zone(session):
    workspace = make_workspace(session, time_zone="Asia/Riyadh")
    lead_id, conversation_id = lead_writing(workspace, "hi")
    change(lead_id, conversation_id, last_inbound_at=NIGHT_IN_RIYADH - timedelta(days=3))
    assert verdict(lead_id, conversation_id, at=NIGHT_IN_RIYADH).refusal == Refusal.quiet_hours
    email_lead, email_conversation = lead_writing(workspace, "hi", channel="email")
    change(email_lead, email_conversation, last_inbound_at=NIGHT_IN_RIYADH - timedelta(days=3))
    assert verdict(email_lead, email_conversation, at=NIGHT_IN_RIYADH).allowed


def test_the_agents_message_to_a_lead_who_opted_out_is_refused_when_queued(session):
    """It is kept, not sent, with why, and no job is asked to hand it over."""
    lead_id, conversation_id = lead_writing(make_workspace(session), "STOP")
    with unit_of_work() as writer:
        conversation = writer.get(Conversation, conversation_id)
        assert conversation is not None
        message = queue_outgoing(writer, conversation, "New villas!", author=MessageAuthor.agent)
        message_id = message.id

    with get_sessionmaker(writes=False)() as reader:
        kept = reader.get(Message, message_id)
        assert kept is not None
        assert kept.status == MessageStatus.suppressed
        assert kept.error == "the lead has asked not to be contacted"
        hand_overs = reader.scalars(select(Job).where(Job.name == "conversations.hand_over"))
        assert all(job.args[1:] != [message_id] for job in hand_overs)
        assert _suppressed_events(reader, lead_id) == [message_id]


def test_a_persons_message_is_refused_when_queued_and_again_when_sent(api, session):
    """Queued while the lead consents; the lead withdraws consent before the hand-over job
    runs: the job refuses it too, keeps why, and says so on the event log."""
    lead_id, conversation_id = lead_writing(api.workspace, "Do you have villas?")
    settle_jobs()
    sent = api.post(f"/api/v1/conversations/{conversation_id}/messages", json={"body": "Yes!"})
    assert sent.status_code == 202
    assert sent.json()["status"] == "queued"
    assert api.patch(f"/api/v1/leads/{lead_id}", json={"consent": "no"}).status_code == 200

    settle_jobs()

    with get_sessionmaker(writes=False)() as reader:
        message = reader.get(Message, sent.json()["id"])
        assert message is not None
        assert (message.status, message.handed_at) == (MessageStatus.suppressed, None)
        assert message.error == "the lead has asked not to be contacted"
        assert _suppressed_events(reader, lead_id) == [message.id]
        lead = reader.get(Lead, lead_id)
        assert lead is not None
        assert lead.consent_status == ConsentStatus.denied
    again = api.post(f"/api/v1/conversations/{conversation_id}/messages", json={"body": "Hi?"})
    assert again.status_code == 409
    assert again.json()["refusal"] == "no_consent"


def _suppressed_events(session, lead_id: int) -> list[int]:
    events = session.scalars(
        select(Event).where(Event.lead_id == lead_id, Event.type == "message.suppressed")
    )
    return [event.data["message_id"] for event in events]


def test_the_lead_page_says_why_in_the_viewers_language(api, client):
    lead_id, conversation_id = lead_writing(api.workspace, "STOP")
    settle_jobs()  # the agent confirms the opt-out, then is refused anything more
    with unit_of_work() as writer:
        conversation = writer.get(Conversation, conversation_id)
        queue_outgoing(writer, conversation, "New villas!", author=MessageAuthor.agent)
    browser = Browser(client, make_person(api.workspace))
    browser.post("/language", data={"language": "ar"})

    page = browser.get(f"/leads/{lead_id}").text
    assert "لم تُرسل: طلب العميل عدم التواصل معه." in page
    base = f"/leads/{lead_id}/conversations/{conversation_id}"
    refused = browser.post(f"{base}/reply", data={"body": "Hi"}, headers={"HX-Request": "1"})
    assert refused.status_code == 409
    assert "لم تُرسل: طلب العميل عدم التواصل معه." in refused.text
