"""The lead page's own actions: giving the lead to a person of the workspace, a note and a
logged call on its timeline, each recorded as an event; in Arabic too."""

from __future__ import annotations

import re

from sqlalchemy import select

from leadflow.models import Activity, Event, Lead, User
from tests.builders import make_lead, make_workspace
from tests.dashboard.support import Browser, make_person


def _kinds(html: str) -> list[str]:
    return re.findall(r'data-testid="timeline-entry" data-kind="([a-z_.]+)"', html)


def _events(session, lead: Lead, kind: str) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.lead_id == lead.id, Event.type == kind)))


def test_assigning_the_lead_to_a_person_of_the_workspace(client, session, workspace):
    email = make_person(workspace)
    colleague = make_person(workspace)
    outsider = make_person(make_workspace(session))
    lead = make_lead(session, workspace)
    browser = Browser(client, email)
    page = browser.get(f"/leads/{lead.id}").text
    assert 'data-testid="owner-form"' in page
    them = session.scalar(select(User).where(User.email == colleague))
    stranger = session.scalar(select(User).where(User.email == outsider))
    choices = re.findall(r'<option value="(\d*)"', page.split('data-testid="owner-form"')[1])
    assert them.id in {int(c) for c in choices if c}  # the choices are the workspace's people
    assert stranger.id not in {int(c) for c in choices if c}

    given = browser.post(f"/leads/{lead.id}/owner", data={"owner_id": str(them.id)},
                         follow_redirects=False)  # fmt: skip
    assert given.status_code == 303
    session.expire_all()
    assert session.get(Lead, lead.id).owner_id == them.id
    assert [e.data["fields"] for e in _events(session, lead, "lead.updated")] == [["owner_id"]]
    assert _kinds(browser.get(f"/leads/{lead.id}").text)[0] == "lead.updated"

    refused = browser.post(f"/leads/{lead.id}/owner", data={"owner_id": str(stranger.id)})
    assert refused.status_code == 422
    assert browser.post(f"/leads/{lead.id}/owner", data={"owner_id": "x"}).status_code == 422
    session.expire_all()
    assert session.get(Lead, lead.id).owner_id == them.id

    browser.post(f"/leads/{lead.id}/owner", data={"owner_id": ""})
    session.expire_all()
    assert session.get(Lead, lead.id).owner_id is None


def test_a_note_and_a_call_go_on_the_timeline(client, session, workspace):
    lead = make_lead(session, workspace)
    browser = Browser(client, make_person(workspace))
    said = {"text": "  Prefers mornings.\nNo agents.  "}
    noted = browser.post(f"/leads/{lead.id}/notes", data=said, follow_redirects=False)
    assert noted.status_code == 303
    called = browser.post(
        f"/leads/{lead.id}/calls",
        data={"outcome": "voicemail", "notes": "Left a message", "minutes": "2"},
        follow_redirects=False,
    )
    assert called.status_code == 303
    page = browser.get(f"/leads/{lead.id}").text
    assert _kinds(page)[:2] == ["lead.call_logged", "lead.note_added"]
    assert "Prefers mornings.\nNo agents." in page
    assert "Voicemail · 2 minutes" in page
    assert "Left a message" in page
    entries = session.scalars(select(Activity).where(Activity.lead_id == lead.id)).all()
    call = next(a for a in entries if a.kind == "lead.call_logged")
    assert call.data == {"outcome": "voicemail", "notes": "Left a message", "duration_seconds": 120}
    assert call.actor.startswith("person:")
    assert len(_events(session, lead, "lead.note_added")) == 1
    assert [e.data["activity_id"] for e in _events(session, lead, "lead.call_logged")] == [call.id]


def test_a_blank_note_or_a_call_without_an_outcome_is_refused(client, session, workspace):
    lead = make_lead(session, workspace)
    browser = Browser(client, make_person(workspace))
    assert browser.post(f"/leads/{lead.id}/notes", data={"text": "   "}).status_code == 422
    for bad in ({"outcome": "hung up"}, {"outcome": "connected", "minutes": "-3"},
                {"outcome": "connected", "minutes": "nan"},
                {"outcome": "connected", "minutes": "inf"}):  # fmt: skip
        assert browser.post(f"/leads/{lead.id}/calls", data=bad).status_code == 422, bad
    assert session.scalars(select(Activity).where(Activity.lead_id == lead.id)).all() == []
    other = make_lead(session, make_workspace(session))
    assert browser.post(f"/leads/{other.id}/notes", data={"text": "hi"}).status_code == 404
    assert (
        browser.post(f"/leads/{other.id}/calls", data={"outcome": "connected"}).status_code == 404
    )
    assert browser.post(f"/leads/{other.id}/owner", data={"owner_id": ""}).status_code == 404
    assert browser.client.post(f"/leads/{lead.id}/notes", data={"text": "x"}).status_code == 403


def test_the_actions_speak_arabic(client, session, workspace):
    lead = make_lead(session, workspace)
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": "ar"})
    browser.post(f"/leads/{lead.id}/calls", data={"outcome": "wrong_number", "minutes": "3"})
    page = browser.get(f"/leads/{lead.id}").text
    for words in ("الإجراءات", "إضافة ملاحظة", "تسجيل مكالمة", "تعيين", "لم يُجب", "مكالمة",
                  "رقم خاطئ · 3 دقائق"):  # fmt: skip
        assert words in page, words
    assert "Log a call" not in page
