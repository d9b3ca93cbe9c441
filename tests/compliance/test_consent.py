"""Consent has one writer: whichever way it changes (the lead's words, the agent hearing a
refusal, a person through the API or the dashboard, an arrival, an import, a merge and its
undoing), the lead's timeline gets an entry and the event log an event, with who and how."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from leadflow.agent.service import act, decide, plan_turn
from leadflow.compliance import consent
from leadflow.conversations.service import Inbound, receive
from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.integrations.llm.local import ScriptedLLM
from leadflow.models import Activity, ConsentStatus, Event, Lead, Workspace
from tests.builders import make_lead, make_workspace, settle_jobs
from tests.conversations.support import connect_twilio, lead_by_phone, twilio_message
from tests.dashboard.support import Browser, make_person
from tests.imports.support import lead_by_email, run_import, table, write


def trail(lead_id: int) -> list[tuple[str, str, str, str]]:
    """The lead's consent entries and events, oldest first: (entry kind, its actor, event
    type, the event's source)."""
    with get_sessionmaker(writes=False)() as session:
        entries = session.scalars(
            select(Activity)
            .where(Activity.lead_id == lead_id, Activity.kind.like("consent.%"))
            .order_by(Activity.id)
        ).all()
        events = session.scalars(
            select(Event)
            .where(Event.lead_id == lead_id, Event.type.like("lead.consent.%"))
            .order_by(Event.id)
        ).all()
        assert len(entries) == len(events), "every change has both"
        return [
            (entry.kind, entry.actor, event.type, event.data["source"])
            for entry, event in zip(entries, events, strict=True)
        ]


def consent_of(lead_id: int) -> tuple[str, str | None]:
    with get_sessionmaker(writes=False)() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead.consent_status, lead.consent_source


def test_stop_and_start_by_text_each_leave_an_entry_and_an_event(api):
    connect_twilio(api)
    twilio_message(api, "+966504440000", "STOP")
    settle_jobs()
    twilio_message(api, "+966504440000", "START")
    settle_jobs()
    lead = lead_by_phone(api.workspace.id, "+966504440000")

    (stop, start) = trail(lead.id)
    assert stop[:3] == ("consent.revoked", "lead", "lead.consent.revoked")
    assert stop[3].startswith("sms message ")
    assert start[:3] == ("consent.granted", "lead", "lead.consent.granted")
    assert consent_of(lead.id)[0] == ConsentStatus.granted


def test_start_from_an_address_anyone_may_claim_grants_nothing():
    assert consent.heard("START", verified=False) is None
    assert consent.heard("START", verified=True) == ConsentStatus.granted
    assert consent.heard("please stop texting me", verified=False) == ConsentStatus.denied
    assert consent.heard("what does it cost?", verified=True) is None


def test_the_agent_hearing_a_refusal_withdraws_consent_with_an_entry_and_an_event(session):
    """No keyword in the lead's words: the LLM heard the refusal, and its decision is what
    withdraws consent (it once did so with no entry and no event)."""
    with unit_of_work() as writer:
        workspace = writer.get(Workspace, make_workspace(session).id)
        inbound = Inbound(
            channel="sms", sender="+966504441111", body="I am done with you people", provider="t"
        )
        message = receive(writer, workspace, inbound)
        assert message is not None
        workspace_id, message_id, lead_id = workspace.id, message.id, message.lead_id
    assert trail(lead_id) == []

    with get_sessionmaker(writes=False)() as reader:
        plan = plan_turn(reader, workspace_id, message_id)
    assert plan is not None
    refusal = {"action": "opt_out", "reply": "You will not hear from us again.", "language": "en"}
    decision, engine = decide(plan.turn, llm=ScriptedLLM([refusal]))
    with unit_of_work() as writer:
        act(writer, plan, decision, engine)

    assert consent_of(lead_id)[0] == ConsentStatus.denied
    ((kind, actor, event, source),) = trail(lead_id)
    assert (kind, actor, event) == ("consent.revoked", "agent:llm", "lead.consent.revoked")
    assert source == f"agent, on message {message_id}"


def test_a_persons_edit_through_the_api_and_the_dashboard_each_leave_an_entry_and_an_event(
    api, client, session
):
    lead = make_lead(session, api.workspace, email="edited@example.com")
    assert api.patch(f"/api/v1/leads/{lead.id}", json={"consent": "no"}).status_code == 200
    email = make_person(api.workspace)
    browser = Browser(client, email)
    saved = browser.post(f"/leads/{lead.id}/consent", data={"consent": "granted"},
                         follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303

    assert trail(lead.id) == [
        ("consent.revoked", "api", "lead.consent.revoked", "api"),
        ("consent.granted", f"person:{email}", "lead.consent.granted", f"person:{email}"),
    ]
    assert consent_of(lead.id) == (ConsentStatus.granted, f"person:{email}")
    page = browser.get(f"/leads/{lead.id}").text
    assert "Agreed to messages" in page
    assert "Asked to stop messages" in page


def test_the_same_answer_again_changes_nothing(api, session):
    lead = make_lead(session, api.workspace, email="twice@example.com", consent="yes")
    api.patch(f"/api/v1/leads/{lead.id}", json={"consent": "granted"})
    assert [kind for kind, *_ in trail(lead.id)] == ["consent.granted"]  # on arrival only


def test_an_arrival_that_says_so_leaves_an_entry_and_an_event(api):
    created = api.post("/api/v1/leads", json={"email": "yes@example.com", "consent": "yes"})
    lead_id = created.json()["lead"]["id"]
    assert trail(lead_id) == [("consent.granted", "api", "lead.consent.granted", "api")]
    assert created.json()["lead"]["consent_source"] == "api"
    assert (
        trail(api.post("/api/v1/leads", json={"email": "maybe@example.com"}).json()["lead"]["id"])
        == []
    )


def test_an_import_sets_and_refuses_consent_with_an_entry_and_an_event_each(
    session, workspace, tmp_path: Path
):
    first = table(
        ["Email", "Consent"],
        [["a@example.com", "yes"], ["b@example.com", "no"], ["c@example.com", ""]],
    )
    job, _ = run_import(session, workspace, write(tmp_path, first))
    again = table(["Email", "Consent"], [["a@example.com", "opted out"]])
    second, _ = run_import(session, workspace, write(tmp_path, again, name="again.csv"))

    a, b, c = (lead_by_email(session, workspace.id, f"{x}@example.com") for x in "abc")
    origin, later = f"import:{job.id}", f"import:{second.id}"
    assert trail(a.id) == [
        ("consent.granted", origin, "lead.consent.granted", origin),
        ("consent.revoked", later, "lead.consent.revoked", later),
    ]
    assert consent_of(a.id) == (ConsentStatus.denied, later)
    assert trail(b.id) == [("consent.revoked", origin, "lead.consent.revoked", origin)]
    assert trail(c.id) == []


def test_undoing_the_merge_that_refused_consent_gives_it_back_with_an_entry(api, session):
    make_lead(session, api.workspace, email="undo@example.com", consent="yes")
    merged = api.post("/api/v1/leads", json={"email": "undo@example.com", "consent": "no"})
    lead_id, merge_id = merged.json()["lead"]["id"], merged.json()["merge_id"]
    assert api.post(f"/api/v1/merges/{merge_id}/undo").status_code == 200

    assert consent_of(lead_id) == (ConsentStatus.granted, f"merge {merge_id} undone")
    assert [kind for kind, *_ in trail(lead_id)] == [
        "consent.granted", "consent.revoked", "consent.granted",
    ]  # fmt: skip
