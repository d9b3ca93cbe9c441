"""POST /api/v1/leads/{id}/notes and /calls: a person's note and logged call go on the lead's
timeline and into the event log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadflow.exceptions import UnprocessableInput
from leadflow.leads import service
from leadflow.models import Event
from tests.builders import make_lead, make_workspace
from tests.dashboard.support import make_person

LEADS = "/api/v1/leads"


def _events(session, lead_id: int) -> list[tuple[str, int]]:
    rows = session.scalars(
        select(Event).where(Event.lead_id == lead_id, Event.type.like("lead.%")).order_by(Event.id)
    )
    return [(e.type, e.data["activity_id"]) for e in rows if "activity_id" in e.data]


def test_a_note_and_a_call_are_on_the_timeline_with_their_events(api, session):
    lead = make_lead(session, api.workspace)
    noted = api.post(f"{LEADS}/{lead.id}/notes", json={"text": "Wants a garden"})
    assert noted.status_code == 201, noted.text
    note = noted.json()
    assert (note["kind"], note["actor"], note["data"]) == (
        "lead.note_added", "api", {"text": "Wants a garden"}
    )  # fmt: skip
    called = api.post(
        f"{LEADS}/{lead.id}/calls",
        json={"outcome": "connected", "notes": "Viewing on Sunday", "duration_seconds": 300},
    )
    assert called.status_code == 201, called.text
    call = called.json()
    assert call["data"] == {
        "outcome": "connected", "notes": "Viewing on Sunday", "duration_seconds": 300
    }  # fmt: skip
    short = api.post(f"{LEADS}/{lead.id}/calls", json={"outcome": "no_answer"}).json()
    assert short["data"] == {"outcome": "no_answer", "notes": "", "duration_seconds": None}

    timeline = api.get(f"{LEADS}/{lead.id}/activities").json()["items"]
    assert [a["id"] for a in timeline[:3]] == [short["id"], call["id"], note["id"]]
    assert _events(session, lead.id) == [
        ("lead.note_added", note["id"]),
        ("lead.call_logged", call["id"]),
        ("lead.call_logged", short["id"]),
    ]


def test_what_is_not_a_note_or_a_call_is_refused(api, session):
    lead = make_lead(session, api.workspace)
    assert api.post(f"{LEADS}/{lead.id}/notes", json={"text": ""}).status_code == 422
    assert api.post(f"{LEADS}/{lead.id}/notes", json={"text": "a\x00b"}).status_code == 422
    assert api.post(f"{LEADS}/{lead.id}/notes", json={"text": "x" * 5001}).status_code == 422
    for bad in ({"outcome": "busy"}, {"outcome": "connected", "duration_seconds": -1},
                {"outcome": "connected", "surprise": 1}, {}):  # fmt: skip
        assert api.post(f"{LEADS}/{lead.id}/calls", json=bad).status_code == 422, bad
    stranger = make_lead(session, make_workspace(session))
    assert api.post(f"{LEADS}/{stranger.id}/notes", json={"text": "hi"}).status_code == 404
    calling = api.post(f"{LEADS}/{stranger.id}/calls", json={"outcome": "voicemail"})
    assert calling.status_code == 404
    assert api.get(f"{LEADS}/{lead.id}/activities").json()["items"][0]["kind"] == "lead.created"


def test_an_owner_is_named_by_the_email_of_a_person_of_the_workspace(session):
    workspace = make_workspace(session)
    email = make_person(workspace)
    assert service.member_by_email(session, workspace.id, email.upper()).email == email
    outsider = make_person(make_workspace(session))
    for nobody in (outsider, "nobody@example.com"):
        with pytest.raises(UnprocessableInput):
            service.member_by_email(session, workspace.id, nobody)
