"""The business's people are told when they are needed: a lead turning hot, a conversation
handed to a person; by email to the owner (or the workspace's notification address) and by
SMS when the workspace gives a number, through the outbox when no provider is configured."""

from __future__ import annotations

from sqlalchemy import select

from leadflow.models import Notification, Workspace
from leadflow.workspaces.service import add_member, create_user
from tests.builders import make_lead, settle_jobs
from tests.conversations.support import connect_twilio, twilio_message


def notifications(session, workspace_id: int) -> list[Notification]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.workspace_id == workspace_id)
            .order_by(Notification.id)
        )
    )


def test_a_lead_turning_hot_alerts_by_email_and_sms(api, session):
    workspace = session.get(Workspace, api.workspace.id)
    workspace.settings = {
        **(workspace.settings or {}),
        "notifications": {"email": "owner@homes.sa", "phone": "+966500000001"},
        "scoring": {"hot": 30, "warm": 10},
    }
    session.commit()
    rule = {"field": "industry", "operator": "in", "value": ["fintech"], "points": 60,
            "reason": "in fintech, our best market"}  # fmt: skip
    assert api.post("/api/v1/scoring/rules", json=rule).status_code == 201
    lead = make_lead(session, api.workspace, email="nora@paytech.sa", company="PayTech")
    api.patch(f"/api/v1/leads/{lead.id}", json={"industry": "Fintech"})
    api.post(f"/api/v1/leads/{lead.id}/score")
    settle_jobs()

    alerts = [n for n in notifications(session, api.workspace.id) if n.kind == "hot_lead"]
    assert {(n.channel, n.recipient) for n in alerts} == {
        ("email", "owner@homes.sa"),
        ("sms", "+966500000001"),
    }
    assert all(n.status == "kept" and n.handed_at is not None for n in alerts)
    email = next(n for n in alerts if n.channel == "email")
    assert email.subject.startswith("Hot lead: ")
    assert "in fintech, our best market" in email.body


def test_a_hand_off_tells_the_owner(api, session, twilio_api):
    owner = create_user(session, email=f"owner-{api.workspace.slug}@homes.sa", password="x" * 12)
    add_member(session, workspace=api.workspace, user=owner)
    session.commit()
    connect_twilio(api)
    twilio_message(api, "+966508880000", "Can I speak to a real person please?")
    settle_jobs()

    (alert,) = [n for n in notifications(session, api.workspace.id) if n.kind == "handoff"]
    assert (alert.channel, alert.recipient) == ("email", owner.email)
    assert alert.status == "kept"
    assert "+966508880000" in alert.body
