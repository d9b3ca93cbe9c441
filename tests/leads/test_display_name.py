"""A lead is shown by one display name wherever it appears: its board card, its page, the
outbox, a notification about it, the export and the API."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from leadflow.db import unit_of_work
from leadflow.leads.naming import display_name
from leadflow.models import Lead, Notification
from leadflow.notifications.service import handoff
from tests.builders import settle_jobs
from tests.conversations.support import connect_twilio, lead_by_phone, twilio_message
from tests.dashboard.support import Browser, make_person

NUMBER = "+966508880000"


def test_the_name_else_how_to_reach_them_else_the_id():
    def named(**fields: object) -> str:
        return display_name(Lead(id=7, **fields))

    assert named(first_name="Huda", last_name="Saleh", email="h@x.com") == "Huda Saleh"
    assert named(last_name="Saleh", phone="+15550001") == "Saleh"
    assert named(email="h@x.com", phone="+15550001") == "h@x.com"
    assert named(phone="+15550001", whatsapp_id="+15550002") == "+15550001"
    assert named(whatsapp_id="+15550002") == "+15550002"
    assert named() == "#7"


def test_a_lead_known_only_by_its_whatsapp_number_is_shown_by_it_everywhere(api, client):
    connect_twilio(api)
    twilio_message(api, NUMBER, "Do you have villas?", whatsapp=True)
    settle_jobs()
    lead = lead_by_phone(api.workspace.id, NUMBER, whatsapp=True)
    browser = Browser(client, make_person(api.workspace))

    card = browser.get("/board").text.split(f'id="name-{lead.id}"')[1]
    assert card.split("</a>")[0].endswith(f">{NUMBER}")
    assert f"<title>{NUMBER}" in browser.get(f"/leads/{lead.id}").text
    assert f">{NUMBER}</span></a>" in browser.get("/outbox").text
    assert api.get(f"/api/v1/leads/{lead.id}").json()["display_name"] == NUMBER
    export = api.get("/api/v1/exports/leads.csv").text.lstrip("\ufeff")
    (row,) = csv.DictReader(io.StringIO(export))
    assert row["leadflow:name"] == row["WhatsApp"] == f"'{NUMBER}"  # a leading + defused
    with unit_of_work() as session:
        handoff(session, session.get(Lead, lead.id), channel="whatsapp", reason="asked for one")
        session.flush()
        (note,) = session.scalars(select(Notification).where(Notification.lead_id == lead.id))
        assert note.subject == f"{NUMBER} needs a person"
