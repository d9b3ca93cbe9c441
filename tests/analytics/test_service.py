"""The analytics figures, each from known data in a workspace of its own."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from leadflow.analytics import service
from leadflow.models import Conversation, Lead, Message, Workspace
from leadflow.models.base import utcnow
from tests.builders import make_lead, make_workspace


def _conversation(session: Session, lead: Lead, channel: str, *directions: str) -> None:
    conversation = Conversation(workspace_id=lead.workspace_id, lead_id=lead.id, channel=channel)
    session.add(conversation)
    session.flush()
    for direction in directions:
        session.add(
            Message(
                workspace_id=lead.workspace_id, conversation_id=conversation.id, lead_id=lead.id,
                direction=direction, author="lead" if direction == "in" else "agent",
                channel=channel, body="hello", status="kept",
            )
        )  # fmt: skip
        session.flush()
    session.commit()


def _leads(session: Session, workspace: Workspace, count: int, **columns: object) -> list[Lead]:
    leads = [make_lead(session, workspace) for _ in range(count)]
    for lead in leads:
        for name, value in columns.items():
            setattr(lead, name, value)
    session.commit()
    return leads


def test_the_funnel_counts_every_sales_stage_in_order(session, workspace):
    _leads(session, workspace, 3, stage="harvested")
    _leads(session, workspace, 2, stage="completed", sales_stage="contacted")
    _leads(session, workspace, 1, stage="failed", sales_stage="won")
    _leads(session, make_workspace(session), 4, stage="completed")  # another workspace's
    funnel = service.funnel(session, workspace)
    assert [s.stage for s in funnel] == ["new", "contacted", "qualified", "meeting", "won", "lost"]
    counts = {s.stage: s.leads for s in funnel}
    assert counts == {"new": 3, "contacted": 2, "qualified": 0, "meeting": 0, "won": 1, "lost": 0}


def test_speed_to_lead_is_percentiles_and_buckets(session, workspace):
    start = utcnow() - timedelta(hours=1)
    for ms in (5_000, 30_000, 200_000, 90_000_000):
        _leads(session, workspace, 1, first_message_at=start, first_response_ms=ms)
    _leads(session, workspace, 1, first_message_at=start)  # not answered yet
    _leads(session, workspace, 1)  # never wrote
    speed = service.speed_to_lead(session, workspace.id)
    assert (speed.leads_with_messages, speed.answered, speed.unanswered) == (5, 4, 1)
    assert speed.p50_ms == 30_000
    assert speed.p99_ms == 90_000_000
    assert speed.buckets["within 10s"] == 1
    assert speed.buckets["within 5m"] == 3
    assert speed.buckets["later"] == 1


def test_a_reply_counts_only_after_the_business_wrote(session, workspace):
    a, b, c, d = _leads(session, workspace, 4)
    _conversation(session, a, "sms", "out", "in")  # answered
    _conversation(session, b, "sms", "out")  # not answered
    _conversation(session, c, "sms", "in", "out")  # the lead wrote first, then silence
    _conversation(session, d, "email", "out", "out", "in")
    _conversation(session, make_lead(session, workspace), "chat", "in")  # business never wrote
    rates = {r.channel: r for r in service.reply_rates(session, workspace.id)}
    assert set(rates) == {"sms", "email"}
    assert (rates["sms"].conversations, rates["sms"].replied) == (3, 1)
    assert round(rates["sms"].rate, 3) == 0.333
    assert (rates["email"].conversations, rates["email"].replied, rates["email"].rate) == (1, 1, 1)


def test_calibration_sets_won_share_beside_the_score(session, workspace):
    _leads(session, workspace, 3, score=90, outcome="won")
    _leads(session, workspace, 1, score=100, outcome="lost")
    _leads(session, workspace, 1, score=10, outcome="won")
    _leads(session, workspace, 3, score=15, outcome="lost")
    _leads(session, workspace, 5, score=50)  # no outcome yet: not counted
    buckets = service.score_calibration(session, workspace.id)
    assert [(b.low, b.high, b.leads, b.won) for b in buckets] == [(0, 19, 4, 1), (80, 100, 4, 3)]
    assert buckets[0].won_share == 0.25
    assert buckets[1].won_share == 0.75
    assert buckets[1].mean_score == 92.5
    assert buckets[1].predicted == 0.925
