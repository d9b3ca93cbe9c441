"""The settings page: every section changes through its domain's service, refuses bad input in
words, keeps another workspace's objects out of reach, and never shows a secret back."""

from __future__ import annotations

import re

from leadflow.connections.service import connect, settings_of
from leadflow.db import get_sessionmaker
from leadflow.models import ApiKey, IcpRule, WebhookAttempt, Workspace
from leadflow.scoring import icp
from leadflow.scoring.schemas import RuleIn
from leadflow.usage import service as usage
from tests.builders import (
    make_api_key,
    make_webhook_delivery,
    make_webhook_endpoint,
    make_workspace,
)
from tests.dashboard.support import Browser, make_person

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "tok-" + "s3cr3t" * 4
RULE = {"field": "industry", "operator": "in", "value": "software, fintech", "points": "15",
        "reason": "Builds software", "enabled": "1"}  # fmt: skip


def _browser(client, workspace: Workspace) -> Browser:
    return Browser(client, make_person(workspace))


def _fresh(workspace: Workspace) -> Workspace:
    with get_sessionmaker(writes=False)() as session:
        found = session.get(Workspace, workspace.id)
        assert found is not None
        return found


def _rule_of(session, workspace: Workspace) -> IcpRule:
    rule = icp.add_rule(
        session, workspace_id=workspace.id,
        fields=RuleIn(field="country", operator="in", value=["SA"], points=5, reason="Saudi"),
    )  # fmt: skip
    session.commit()
    return rule


def test_the_page_has_every_section(client, workspace):
    page = _browser(client, workspace).get("/settings")
    assert page.status_code == 200
    for section in ("icp", "tiers", "hours", "providers", "alerts", "limits", "api-keys",
                    "webhooks"):  # fmt: skip
        assert f'<section id="{section}"' in page.text
    for provider in ("twilio", "smtp", "openai_compatible", "anthropic", "stackai", "llamaparse"):
        assert f'data-provider="{provider}"' in page.text


def test_an_icp_rule_is_added_changed_and_deleted(client, session, workspace):
    browser = _browser(client, workspace)
    added = browser.post("/settings/rules", data=RULE, follow_redirects=False)
    assert added.status_code == 303
    (rule,) = icp.rules(session, workspace_id=workspace.id)
    assert (rule.field, rule.operator, rule.value, rule.points) == (
        "industry", "in", ["software", "fintech"], 15)  # fmt: skip
    page = browser.get("/settings").text
    assert "Builds software" in page
    assert "software, fintech" in page
    edit = browser.get(f"/settings/rules/{rule.id}")
    assert edit.status_code == 200
    assert 'value="software, fintech"' in edit.text
    between = {**RULE, "field": "employee_count", "operator": "between", "value": "10, "}
    del between["enabled"]
    assert browser.post(f"/settings/rules/{rule.id}", data=between).status_code == 200
    session.expire_all()
    rule = icp.get_rule(session, workspace_id=workspace.id, rule_id=rule.id)
    assert (rule.operator, rule.value, rule.enabled) == ("between", [10, None], False)
    assert browser.post(f"/settings/rules/{rule.id}/delete").status_code == 200
    assert icp.rules(session, workspace_id=workspace.id) == []


def test_a_bad_rule_is_refused_in_words(client, session, workspace):
    browser = _browser(client, workspace)
    bad_rules = [
        {"operator": "between", "value": "ten, twenty"},
        {"points": "500"},
        {"operator": "sounds_like"},
        {"reason": ""},
        {"operator": "at_least", "value": "inf"},
    ]
    for bad in bad_rules:
        refused = browser.post("/settings/rules", data={**RULE, **bad})
        assert refused.status_code == 422, bad
        assert 'data-testid="settings-error"' in refused.text
    assert icp.rules(session, workspace_id=workspace.id) == []


def test_a_change_without_the_csrf_token_is_refused(client, session, workspace):
    _browser(client, workspace)
    assert client.post("/settings/rules", data=RULE).status_code == 403
    assert client.post("/settings/api-keys", data={"name": "x"}).status_code == 403
    assert icp.rules(session, workspace_id=workspace.id) == []


def test_another_workspace_s_objects_are_not_found(client, session, workspace):
    other = make_workspace(session)
    rule = _rule_of(session, other)
    endpoint, _ = make_webhook_endpoint(session, other)
    make_api_key(session, other)
    key = session.query(ApiKey).filter_by(workspace_id=other.id).one()
    browser = _browser(client, workspace)
    answers = [
        browser.get(f"/settings/rules/{rule.id}"),
        browser.post(f"/settings/rules/{rule.id}", data=RULE),
        browser.post(f"/settings/rules/{rule.id}/delete"),
        browser.post(f"/settings/api-keys/{key.id}/revoke"),
        browser.get(f"/settings/webhooks/{endpoint.id}"),
        browser.post(f"/settings/webhooks/{endpoint.id}/delete"),
        browser.post("/settings/providers/nosuch", data={}),
        browser.post("/settings/providers/twilio/delete"),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all("Not found" in a.text for a in answers)
    session.expire_all()
    assert icp.get_rule(session, workspace_id=other.id, rule_id=rule.id).reason == "Saudi"
    assert session.get(ApiKey, key.id).revoked_at is None


def test_tier_thresholds_are_changed_and_checked(client, workspace):
    browser = _browser(client, workspace)
    assert browser.post("/settings/tiers", data={"hot": "80", "warm": "50"}).status_code == 200
    assert icp.scoring_settings(_fresh(workspace)).hot == 80
    refused = browser.post("/settings/tiers", data={"hot": "40", "warm": "60"})
    assert refused.status_code == 422
    assert "the warm threshold must be below the hot one" in refused.text
    assert browser.post("/settings/tiers", data={"hot": "hot", "warm": "1"}).status_code == 422
    assert icp.scoring_settings(_fresh(workspace)).warm == 50


def test_business_hours_and_time_zone(client, workspace):
    browser = _browser(client, workspace)
    saved = browser.post(
        "/settings/hours", data={"days": ["6", "0", "1"], "time_zone": "Asia/Riyadh"}
    )
    assert saved.status_code == 200
    fresh = _fresh(workspace)
    assert fresh.time_zone == "Asia/Riyadh"
    assert fresh.settings["business_hours"] == {"days": [0, 1, 6]}
    assert 'id="day-6" checked' in saved.text
    for bad in ({"days": ["1"], "time_zone": "Mars/Olympus"}, {"time_zone": "UTC"},
                {"days": ["9"], "time_zone": "UTC"}):  # fmt: skip
        refused = browser.post("/settings/hours", data=bad)
        assert refused.status_code == 400, bad
        assert 'data-testid="settings-error"' in refused.text
    assert _fresh(workspace).time_zone == "Asia/Riyadh"


def test_a_provider_s_secret_is_written_and_never_shown(client, session, workspace):
    browser = _browser(client, workspace)
    page = browser.get("/settings").text
    assert 'name="auth_token" type="password"' in page
    saved = browser.post(
        "/settings/providers/twilio", data={"account_sid": SID, "auth_token": TOKEN}
    )
    assert saved.status_code == 200
    assert TOKEN not in saved.text
    assert SID in saved.text
    assert 'data-secret-state="set"' in saved.text
    kept = browser.post("/settings/providers/twilio", data={"account_sid": SID, "auth_token": ""})
    assert kept.status_code == 200
    stored = settings_of(session, workspace.id, "twilio")
    assert stored is not None
    assert stored.auth_token.get_secret_value() == TOKEN
    refused = browser.post(
        "/settings/providers/twilio", data={"account_sid": "nope", "auth_token": ""}
    )
    assert refused.status_code == 422
    assert "account_sid" in refused.text
    assert TOKEN not in refused.text
    unset = browser.post("/settings/providers/stackai", data={"org_id": "org1", "flow_id": "f1"})
    assert unset.status_code == 422
    assert "api_key" in unset.text
    assert browser.post("/settings/providers/twilio/delete").status_code == 200
    assert settings_of(session, workspace.id, "twilio") is None


def test_an_api_key_is_shown_once_and_revoked(client, session, workspace):
    browser = _browser(client, workspace)
    created = browser.post("/settings/api-keys", data={"name": "zapier"})
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    plaintext = re.search(r'id="new-key-value" readonly value="([^"]+)"', created.text).group(1)
    assert (
        client.get(
            "/api/v1/workspace", headers={"Authorization": f"Bearer {plaintext}"}
        ).status_code
        == 200
    )
    later = browser.get("/settings").text
    assert plaintext not in later
    assert "zapier" in later
    key = session.query(ApiKey).filter_by(workspace_id=workspace.id, name="zapier").one()
    assert browser.post(f"/settings/api-keys/{key.id}/revoke").status_code == 200
    assert (
        client.get(
            "/api/v1/workspace", headers={"Authorization": f"Bearer {plaintext}"}
        ).status_code
        == 401
    )
    assert browser.post("/settings/api-keys", data={"name": "n" * 101}).status_code == 400


def test_webhook_endpoints_and_their_delivery_log(client, session, workspace):
    browser = _browser(client, workspace)
    fields = {"url": "https://hooks.example.com/in", "description": "CRM",
              "event_types": "lead.created, lead.hot"}  # fmt: skip
    created = browser.post("/settings/webhooks", data=fields)
    assert created.status_code == 201
    assert 'data-testid="new-endpoint"' in created.text
    secret = re.search(r'id="new-endpoint-secret" readonly value="([^"]+)"', created.text).group(1)
    later = browser.get("/settings").text
    assert "https://hooks.example.com/in" in later
    assert secret not in later
    for bad in (
        {"url": "ftp://x"},
        {"url": "https://hooks.example.com", "event_types": "no spaces!"},
    ):
        assert browser.post("/settings/webhooks", data=bad).status_code in (400, 422), bad
    endpoint, _ = make_webhook_endpoint(session, workspace, url="https://hooks.example.com/log")
    delivery = make_webhook_delivery(session, endpoint, event_type="lead.hot")
    session.add(
        WebhookAttempt(delivery_id=delivery.id, status_code=503, error="busy", duration_ms=42)
    )
    session.commit()
    log = browser.get(f"/settings/webhooks/{endpoint.id}")
    assert log.status_code == 200
    assert "lead.hot" in log.text
    assert "503" in log.text
    assert "42 ms" in log.text
    assert "busy" in log.text
    assert browser.post(f"/settings/webhooks/{endpoint.id}/delete").status_code == 200
    assert "https://hooks.example.com/log" not in browser.get("/settings").text


def test_no_page_shows_a_saved_secret(client, session, workspace):
    secrets = {"twilio": {"account_sid": SID, "auth_token": TOKEN},
               "stackai": {"org_id": "o", "flow_id": "f", "api_key": "stack-secret-0042"},
               "calcom": {"webhook_secret": "calcom-secret-0042"}}  # fmt: skip
    for provider, settings in secrets.items():
        connect(session, workspace_id=workspace.id, provider=provider, settings=settings)
    endpoint, signing_secret = make_webhook_endpoint(session, workspace)
    session.commit()
    browser = _browser(client, workspace)
    answers = [
        browser.get("/settings"),
        browser.get(f"/settings/webhooks/{endpoint.id}"),
        browser.post("/settings/providers/twilio", data={"account_sid": "bad", "auth_token": ""}),
        browser.post("/settings/tiers", data={"hot": "1", "warm": "2"}),
        browser.get("/outbox"),
        browser.get("/analytics"),
    ]
    hidden = [TOKEN, "stack-secret-0042", "calcom-secret-0042", signing_secret]
    for answer in answers:
        assert not [secret for secret in hidden if secret in answer.text], answer.url
    assert answers[0].text.count('data-secret-state="set"') == 3


def test_the_llm_and_the_mail_server_are_connected_from_their_forms(client, session, workspace):
    browser = _browser(client, workspace)
    page = browser.get("/settings").text
    assert '<select class="form-select" id="provider-smtp-security" name="security"' in page
    assert 'id="provider-smtp-port" name="port" type="number"' in page
    assert 'value="None"' not in page

    mail = browser.post("/settings/providers/smtp", data={
        "host": "smtp.acme.example.com", "port": "2525", "security": "ssl",
        "username": "sales", "password": "mail-secret-1", "from_address": "sales@acme.example.com",
    })  # fmt: skip
    model = browser.post("/settings/providers/anthropic", data={
        "model": "claude-haiku-4-5", "api_key": "sk-ant-secret-1",
    })  # fmt: skip

    assert (mail.status_code, model.status_code) == (200, 200), mail.text + model.text
    assert "mail-secret-1" not in mail.text + model.text
    assert "sk-ant-secret-1" not in model.text
    smtp = settings_of(session, workspace.id, "smtp")
    assert (smtp.host, smtp.port, smtp.security) == ("smtp.acme.example.com", 2525, "ssl")
    assert settings_of(session, workspace.id, "anthropic").model == "claude-haiku-4-5"


def test_alert_targets_are_set_from_the_page(client, workspace):
    browser = _browser(client, workspace)
    saved = browser.post("/settings/alerts", data={
        "emails": "ops@homes.sa, sales@homes.sa", "sms_number": "+966500000001",
    }, follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    settings = _fresh(workspace).settings["notifications"]
    assert settings == {"emails": ["ops@homes.sa", "sales@homes.sa"], "sms_number": "+966500000001"}
    page = browser.get("/settings").text
    assert 'value="ops@homes.sa, sales@homes.sa"' in page

    refused = browser.post("/settings/alerts", data={"emails": "nobody", "sms_number": ""})
    assert refused.status_code == 422
    assert "not an email address" in refused.text
    assert _fresh(workspace).settings["notifications"] == settings


def test_limits_and_budgets_are_set_shown_and_lifted(client, session, workspace):
    browser = _browser(client, workspace)
    budget = {"metric": "cost", "period": "month", "provider": "", "limit": "12.50",
              "alert_percent": "75"}  # fmt: skip
    sms = {"metric": "sms", "period": "day", "provider": "twilio", "limit": "200",
           "alert_percent": ""}  # fmt: skip
    for limit in (budget, sms):
        assert (
            browser.post("/settings/limits", data=limit, follow_redirects=False).status_code == 303
        )

    quotas = [(q.metric, q.provider, q.limit, q.alert_percent)
              for q in usage.list_quotas(session, workspace.id)]  # fmt: skip
    assert quotas == [("cost", None, 12_500_000, 75), ("sms", "twilio", 200, None)]
    table = browser.get("/settings").text
    assert "$0.00 / $12.50" in table
    assert "0 / 200" in table

    for bad in ({**sms, "metric": "faxes"}, {**sms, "limit": "lots"}, {**budget, "limit": "-3"},
                {**sms, "provider": "pigeon"}):  # fmt: skip
        refused = browser.post("/settings/limits", data=bad)
        assert refused.status_code == 400, bad
    which = {"metric": "sms", "period": "day", "provider": "twilio"}
    lifted = browser.post("/settings/limits/delete", data=which, follow_redirects=False)
    assert lifted.status_code == 303
    assert [q.metric for q in usage.list_quotas(session, workspace.id)] == ["cost"]
