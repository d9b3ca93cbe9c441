"""Leads move on through their sales stages on their own: the business answered (Contacted), the
lead turned hot (Qualified), a meeting was booked (Meeting booked)."""

from __future__ import annotations

from leadflow.db import unit_of_work
from leadflow.events.service import record
from leadflow.models import Lead
from tests.builders import make_lead, settle_jobs

FACTS = {"lead.hot": {"score": 91, "reasons": []}}


def _happens(workspace_id: int, lead_id: int, event_type: str) -> None:
    with unit_of_work() as writer:
        record(writer, workspace_id, event_type, lead_id=lead_id, **FACTS.get(event_type, {}))
    settle_jobs()


def test_each_event_moves_the_lead_to_its_stage_and_never_back(session, workspace):
    lead = make_lead(session, workspace)
    settle_jobs()
    for event_type, stage in [
        ("message.sent", "contacted"), ("lead.hot", "qualified"),
        ("meeting.booked", "meeting"), ("message.sent", "meeting"),
    ]:  # fmt: skip
        _happens(workspace.id, lead.id, event_type)
        session.expire_all()
        assert session.get(Lead, lead.id).sales_stage == stage, event_type  # type: ignore[union-attr]


def test_a_visitor_the_agent_answers_in_the_chat_is_contacted(api, session):
    token = api.get("/api/v1/workspace").json()["form_token"]
    url = f"/api/v1/chat/{token}"
    started = api.client.post(url + "/start", json={"name": "Reem", "email": "reem@x.example"})
    visitor = started.json()["visitor"]
    sent = api.client.post(url + "/messages", json={"visitor": visitor, "body": "hi, prices?"})
    assert sent.status_code < 300, sent.text
    settle_jobs()
    found = api.get("/api/v1/leads", params={"q": "reem@x.example"}).json()["items"]
    assert [lead["sales_stage"] for lead in found] == ["contacted"]
