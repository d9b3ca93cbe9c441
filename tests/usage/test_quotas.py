"""Per-workspace usage and quotas: sends and LLM calls cost money (OWASP API4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadflow.exceptions import QuotaExceeded
from leadflow.models import UsageRecord
from leadflow.models.base import utcnow
from leadflow.usage.service import check_quota, record_usage, set_quota
from tests.builders import Api, make_api_key, make_workspace

PROBLEM = "application/problem+json"


def spend(session, workspace, metric="sms", quantity=1, cost_micros=7_900, provider="twilio"):
    record_usage(
        session,
        workspace.id,
        provider=provider,
        metric=metric,
        quantity=quantity,
        cost_micros=cost_micros,
    )
    session.commit()


def test_reaching_the_quota_exactly_passes_and_one_more_fails(session, workspace):
    set_quota(session, workspace.id, metric="sms", period="day", limit=10)
    spend(session, workspace, quantity=9)
    check_quota(session, workspace.id, metric="sms", quantity=1)  # 10 of 10: allowed
    spend(session, workspace, quantity=1)
    with pytest.raises(QuotaExceeded) as raised:
        check_quota(session, workspace.id, metric="sms", quantity=1)
    assert raised.value.status == 429
    assert raised.value.extra | {"resets_at": None} == {
        "metric": "sms", "period": "day", "limit": 10, "used": 10, "requested": 1,
        "resets_at": None,
    }  # fmt: skip
    assert int(raised.value.headers["Retry-After"]) <= 86_400


def test_a_batch_that_would_pass_the_quota_is_refused_whole(session, workspace):
    set_quota(session, workspace.id, metric="llm_tokens", period="month", limit=1_000)
    spend(session, workspace, metric="llm_tokens", quantity=600)
    check_quota(session, workspace.id, metric="llm_tokens", quantity=400)
    with pytest.raises(QuotaExceeded):
        check_quota(session, workspace.id, metric="llm_tokens", quantity=401)


def test_every_period_is_checked_and_metrics_are_separate(session, workspace):
    set_quota(session, workspace.id, metric="email", period="day", limit=100)
    set_quota(session, workspace.id, metric="email", period="month", limit=5)
    spend(session, workspace, metric="email", quantity=5)
    spend(session, workspace, metric="sms", quantity=50)
    with pytest.raises(QuotaExceeded) as raised:
        check_quota(session, workspace.id, metric="email")
    assert raised.value.extra["period"] == "month"
    check_quota(session, workspace.id, metric="whatsapp", quantity=10**9)  # no quota: no limit


def test_usage_from_before_the_period_does_not_count(session, workspace):
    set_quota(session, workspace.id, metric="sms", period="day", limit=1)
    session.add(
        UsageRecord(
            workspace_id=workspace.id, provider="twilio", metric="sms", quantity=50,
            occurred_at=utcnow() - timedelta(days=2),
        )
    )  # fmt: skip
    session.commit()
    check_quota(session, workspace.id, metric="sms", quantity=1)


def test_another_workspaces_usage_does_not_count(session, workspace):
    other = make_workspace(session)
    set_quota(session, workspace.id, metric="sms", period="day", limit=1)
    spend(session, other, quantity=100)
    check_quota(session, workspace.id, metric="sms", quantity=1)


def test_usage_totals_per_metric_with_cost(api, session):
    spend(session, api.workspace, quantity=2, cost_micros=15_800)
    spend(session, api.workspace, quantity=1, cost_micros=7_900)
    spend(session, api.workspace, metric="llm_tokens", quantity=1_200, cost_micros=360,
          provider="openai")  # fmt: skip
    api.put("/api/v1/quotas/sms", json={"period": "day", "limit": 100})
    response = api.get("/api/v1/usage", params={"period": "day"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == "day"
    assert body["items"] == [
        {"metric": "llm_tokens", "quantity": 1200, "cost_micros": 360, "limit": None},
        {"metric": "sms", "quantity": 3, "cost_micros": 23_700, "limit": 100},
    ]
    assert api.get("/api/v1/usage").json()["period"] == "month"


def test_quotas_are_set_listed_changed_and_lifted(api, session):
    put = api.put("/api/v1/quotas/sms", json={"period": "day", "limit": 50})
    assert put.status_code == 200, put.text
    assert put.json() | {"resets_at": None} == {
        "metric": "sms", "period": "day", "provider": None, "limit": 50, "alert_percent": 80,
        "used": 0, "resets_at": None,
    }  # fmt: skip
    api.put("/api/v1/quotas/sms", json={"period": "day", "limit": 80})
    api.put("/api/v1/quotas/sms", json={"period": "month", "limit": 1000})
    spend(session, api.workspace, quantity=4)
    listed = [
        (q["period"], q["limit"], q["used"]) for q in api.get("/api/v1/quotas").json()["items"]
    ]
    assert listed == [("day", 80, 4), ("month", 1000, 4)]

    assert api.delete("/api/v1/quotas/sms", params={"period": "day"}).status_code == 204
    assert [q["period"] for q in api.get("/api/v1/quotas").json()["items"]] == ["month"]
    assert api.delete("/api/v1/quotas/sms").status_code == 204
    gone = api.delete("/api/v1/quotas/sms")
    assert gone.status_code == 404
    assert gone.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize(
    ("metric", "body"),
    [
        ("sms", {"period": "week", "limit": 5}),
        ("sms", {"period": "day", "limit": -1}),
        ("sms", {"period": "day"}),
        ("SMS!", {"period": "day", "limit": 5}),
        ("x" * 41, {"period": "day", "limit": 5}),
    ],
)
def test_a_malformed_quota_is_a_problem(api, metric, body):
    response = api.put(f"/api/v1/quotas/{metric}", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)


def test_a_quota_exceeded_reaches_the_client_as_429_problem(session, workspace):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from leadflow.problems import register_problem_handlers

    set_quota(session, workspace.id, metric="sms", period="day", limit=0)
    session.commit()
    app = FastAPI()
    register_problem_handlers(app)

    @app.post("/send")
    def send() -> None:
        check_quota(session, workspace.id, metric="sms")

    response = TestClient(app).post("/send")
    assert response.status_code == 429
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["Retry-After"]
    assert response.json()["title"] == "Quota exceeded"


def test_quotas_and_usage_of_another_workspace_stay_invisible_and_untouched(api, session, client):
    api.put("/api/v1/quotas/sms", json={"period": "day", "limit": 5})
    spend(session, api.workspace, quantity=3)
    other = make_workspace(session)
    stranger = Api(client, make_api_key(session, other), other)
    assert stranger.get("/api/v1/quotas").json()["items"] == []
    assert stranger.get("/api/v1/usage", params={"period": "day"}).json()["items"] == []
    assert stranger.delete("/api/v1/quotas/sms").status_code == 404
    stranger.put("/api/v1/quotas/sms", json={"period": "day", "limit": 999})
    assert [(q["limit"], q["used"]) for q in api.get("/api/v1/quotas").json()["items"]] == [(5, 3)]
