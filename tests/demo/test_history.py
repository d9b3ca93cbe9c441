"""The demo's last 30 days: conversations on every channel with the agent's answers after
seconds (a few after minutes or hours), hand-offs waiting for a person, deals won and lost;
written once, in the past, without a job or the network."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select

from leadflow.analytics import service as analytics
from leadflow.demo import ensure_demo
from leadflow.demo.history import ensure_history
from leadflow.models import Conversation, HandledBy, Job, Lead, Message
from leadflow.models.base import utcnow
from leadflow.workspaces import service as workspaces
from tests.builders import make_lead, make_workspace, unique


def _fifteen_leads(session, workspace):
    for number in range(15):
        make_lead(session, workspace, email=f"{unique('demo')}@example.com",
                  phone=f"+1 415 555 {1000 + number}")  # fmt: skip


def _count(session, model, workspace_id):
    return session.scalar(select(func.count()).where(model.workspace_id == workspace_id))


def test_the_demo_has_conversations_on_every_channel_with_answers_in_seconds(session):
    workspace = make_workspace(session)
    _fifteen_leads(session, workspace)

    written = ensure_history(session, workspace.id)

    assert 10 <= written <= 20
    channels = set(session.scalars(
        select(Conversation.channel).where(Conversation.workspace_id == workspace.id)))  # fmt: skip
    assert channels == {"sms", "whatsapp", "email", "chat"}
    speed = analytics.speed_to_lead(session, workspace.id)
    assert speed.answered == written
    assert speed.p50_ms is not None
    assert speed.p50_ms < 60_000
    assert speed.buckets["within 10s"] >= 3
    assert speed.buckets["within 24h"] - speed.buckets["within 1h"] >= 1  # a slow one
    assert {r.channel for r in analytics.reply_rates(session, workspace.id)} == channels


def test_hand_offs_wait_for_a_person_and_some_deals_are_won_or_lost(session):
    workspace = make_workspace(session)
    _fifteen_leads(session, workspace)
    ensure_history(session, workspace.id)

    waiting = session.scalars(select(Conversation).where(
        Conversation.workspace_id == workspace.id,
        Conversation.handled_by == HandledBy.person)).all()  # fmt: skip
    assert len(waiting) == 2
    for conversation in waiting:
        last = session.scalars(select(Message).where(Message.conversation_id == conversation.id)
                               .order_by(Message.id.desc())).first()  # fmt: skip
        assert last is not None
        assert last.decision
        assert last.decision["action"] == "handoff"
    outcomes = session.scalars(select(Lead.outcome).where(
        Lead.workspace_id == workspace.id, Lead.outcome.is_not(None))).all()  # fmt: skip
    assert set(outcomes) == {"won", "lost"}
    deals = session.execute(select(Lead.sales_stage, Lead.outcome).where(
        Lead.workspace_id == workspace.id, Lead.first_response_at.is_not(None))).all()  # fmt: skip
    assert all(stage == outcome for stage, outcome in deals if outcome)  # the board agrees
    assert {stage for stage, _ in deals} == {"contacted", "qualified", "won", "lost"}


def test_it_is_written_in_the_last_30_days_once_and_queues_nothing(session):
    workspace = make_workspace(session)
    _fifteen_leads(session, workspace)
    jobs_before = _count(session, Job, workspace.id)
    started = time.monotonic()

    ensure_history(session, workspace.id)
    again = ensure_history(session, workspace.id)

    assert time.monotonic() - started < 5
    assert again == 0
    assert _count(session, Job, workspace.id) == jobs_before
    now = utcnow()
    times = session.scalars(
        select(Message.created_at).where(Message.workspace_id == workspace.id)).all()  # fmt: skip
    assert all(now - timedelta(days=30) <= at < now for at in times)
    assert len({at.date() for at in times}) >= 10  # spread over the month, not one day


def test_init_run_twice_does_not_double_the_demo(session):
    ensure_demo(session, published=False)
    demo = workspaces.get_workspace(session, "demo")
    messages = _count(session, Message, demo.id)
    ensure_demo(session, published=False)
    assert messages >= 20
    assert _count(session, Message, demo.id) == messages


def test_every_workspace_may_hold_the_demo_s_history(session):
    first, second = make_workspace(session), make_workspace(session)
    _fifteen_leads(session, first)
    _fifteen_leads(session, second)
    assert ensure_history(session, first.id) == ensure_history(session, second.id) > 0
