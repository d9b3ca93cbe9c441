"""Quotas on one provider, budgets on what is spent, and the alert a workspace gets once a
period when its use passes a share of one; sends are counted and refused past their quota."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadflow.db import get_sessionmaker
from leadflow.exceptions import QuotaExceeded
from leadflow.models import Event, Message, Notification
from leadflow.usage.service import check_quota, record_usage, set_quota
from leadflow.workspaces.service import add_member, create_user
from tests.builders import settle_jobs, unique
from tests.conversations.support import connect_twilio, twilio_message


def spend(session, workspace_id, *, provider="twilio", metric="sms", quantity=1, cost=0):
    record_usage(session, workspace_id, provider=provider, metric=metric, quantity=quantity,
                 cost_micros=cost)  # fmt: skip
    session.commit()


def passed(session, workspace_id) -> list[dict]:
    session.expire_all()
    rows = session.scalars(
        select(Event)
        .where(Event.workspace_id == workspace_id, Event.type == "usage.threshold_passed")
        .order_by(Event.id)
    )
    return [row.data for row in rows]


def test_a_quota_on_one_provider_counts_only_its_use(session, workspace):
    set_quota(session, workspace.id, metric="sms", period="day", limit=10, provider="twilio")
    spend(session, workspace.id, provider="other_sms", quantity=50)
    check_quota(session, workspace.id, metric="sms", quantity=10, provider="twilio")
    spend(session, workspace.id, provider="twilio", quantity=10)

    with pytest.raises(QuotaExceeded) as over:
        check_quota(session, workspace.id, metric="sms", provider="twilio")
    assert over.value.extra["provider"] == "twilio"
    assert "sms at twilio" in over.value.message
    check_quota(session, workspace.id, metric="sms", provider="other_sms")


def test_a_budget_counts_the_cost_of_every_metric_and_lets_free_use_pass(session, workspace):
    set_quota(session, workspace.id, metric="cost", period="month", limit=1_000_000)  # $1
    spend(session, workspace.id, provider="openai_compatible", metric="llm_tokens",
          quantity=9_000, cost=900_000)  # fmt: skip
    spend(session, workspace.id, metric="sms", cost=79_000)

    check_quota(session, workspace.id, metric="sms", cost_micros=21_000)  # exactly $1
    with pytest.raises(QuotaExceeded) as over:
        check_quota(session, workspace.id, metric="llm_tokens", quantity=1, cost_micros=21_001)
    assert "monthly budget on cost" in over.value.message
    check_quota(session, workspace.id, metric="email")  # costs nothing: no budget holds it


def test_passing_the_alert_share_is_told_once_a_period(session, workspace):
    owner = create_user(session, email=f"{unique('owner')}@homes.sa", password="x" * 12)
    add_member(session, workspace=workspace, user=owner)
    set_quota(session, workspace.id, metric="llm_tokens", period="month", limit=10_000,
              alert_percent=80)  # fmt: skip
    session.commit()

    spend(session, workspace.id, provider="anthropic", metric="llm_tokens", quantity=7_999)
    assert passed(session, workspace.id) == []
    spend(session, workspace.id, provider="anthropic", metric="llm_tokens", quantity=1)
    spend(session, workspace.id, provider="anthropic", metric="llm_tokens", quantity=1_500)

    assert passed(session, workspace.id) == [
        {"metric": "llm_tokens", "period": "month", "provider": None, "limit": 10_000,
         "used": 8_000, "percent": 80},
    ]  # fmt: skip
    settle_jobs()
    (alert,) = session.scalars(select(Notification).where(
        Notification.workspace_id == workspace.id, Notification.kind == "usage"))  # fmt: skip
    assert (alert.channel, alert.recipient, alert.status) == ("email", owner.email, "kept")
    assert alert.subject == "80% of this month's llm_tokens used"
    assert "8,000 of 10,000 llm_tokens" in alert.body


def test_a_changed_limit_earns_a_new_alert(session, workspace):
    set_quota(session, workspace.id, metric="sms", period="day", limit=10, alert_percent=50)
    spend(session, workspace.id, quantity=6)
    set_quota(session, workspace.id, metric="sms", period="day", limit=20, alert_percent=50)
    spend(session, workspace.id, quantity=1)
    spend(session, workspace.id, quantity=3)

    assert [(e["limit"], e["used"]) for e in passed(session, workspace.id)] == [(10, 6), (20, 10)]


def test_a_quota_without_an_alert_tells_nobody(session, workspace):
    set_quota(session, workspace.id, metric="sms", period="day", limit=2, alert_percent=None)
    spend(session, workspace.id, quantity=2)
    assert passed(session, workspace.id) == []


def test_a_reply_past_the_sms_quota_is_refused_before_twilio_is_asked(api, session, twilio_api):
    connect_twilio(api)
    api.put("/api/v1/quotas/sms", json={"period": "day", "limit": 1, "provider": "twilio"})
    twilio_message(api, "+966501230001", "Hello?")
    settle_jobs()
    twilio_message(api, "+966501230002", "Hello again?")
    settle_jobs()

    with get_sessionmaker(writes=False)() as reader:
        replies = reader.scalars(select(Message).where(
            Message.workspace_id == api.workspace.id, Message.direction == "out"
        ).order_by(Message.id)).all()  # fmt: skip
        assert [m.status for m in replies] == ["queued", "failed"]
        assert "daily quota on sms at twilio (1) would be passed" in (replies[1].error or "")
    assert twilio_api.calls.call_count == 1
    usage = api.get("/api/v1/quotas").json()["items"]
    assert [(q["metric"], q["provider"], q["used"]) for q in usage] == [("sms", "twilio", 1)]


def test_budgets_and_provider_quotas_are_set_and_lifted_by_api(api):
    put = api.put("/api/v1/quotas/cost",
                  json={"period": "month", "limit": 5_000_000, "alert_percent": 90})  # fmt: skip
    assert put.status_code == 200, put.text
    assert (put.json()["provider"], put.json()["alert_percent"]) == (None, 90)
    on_twilio = api.put("/api/v1/quotas/sms",
                        json={"period": "day", "limit": 100, "provider": "twilio"})  # fmt: skip
    assert on_twilio.json()["provider"] == "twilio"
    api.put("/api/v1/quotas/sms", json={"period": "day", "limit": 300})

    listed = [
        (q["metric"], q["provider"], q["limit"]) for q in api.get("/api/v1/quotas").json()["items"]
    ]
    assert listed == [("cost", None, 5_000_000), ("sms", None, 300), ("sms", "twilio", 100)]
    lifted = api.delete("/api/v1/quotas/sms", params={"provider": "twilio"})
    assert lifted.status_code == 204
    listed = [(q["metric"], q["provider"]) for q in api.get("/api/v1/quotas").json()["items"]]
    assert listed == [("cost", None), ("sms", None)]
    bad = api.put("/api/v1/quotas/sms", json={"period": "day", "limit": 1, "alert_percent": 0})
    assert bad.status_code == 422
