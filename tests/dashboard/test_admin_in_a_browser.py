"""Analytics, the outbox and settings in Debian's chromium."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from leadflow.db import unit_of_work
from leadflow.models import Conversation, Lead, Message, Workspace
from leadflow.models.base import utcnow
from tests.builders import make_lead
from tests.dashboard.support import screenshot

pytestmark = pytest.mark.slow


def _console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _with_figures(workspace: Any) -> None:
    # Its own writing transaction, taken up front: the live server's worker writes to the same
    # database, and a session that read first could not turn into a writer after that.
    with unit_of_work() as session:
        _write_figures(session, session.get(Workspace, workspace.id))


def _write_figures(session: Any, workspace: Any) -> None:
    for n, (stage, score, outcome) in enumerate(
        [("completed", 92, "won"), ("completed", 81, "won"), ("completed", 75, "lost"),
         ("qualifying", 55, None), ("harvested", 30, "lost"), ("completed", 12, "lost")]
    ):  # fmt: skip
        lead = make_lead(session, workspace, first_name=f"Lead{n}", email=f"lead{n}@example.com")
        lead.stage, lead.score, lead.outcome = stage, score, outcome
        lead.first_message_at = utcnow() - timedelta(hours=1)
        lead.first_response_ms = (3_000, 8_000, 40_000, 150_000, 2_000_000, None)[n]
        _exchange(session, lead, replied=n % 2 == 0)


def _exchange(session: Any, lead: Lead, *, replied: bool) -> None:
    conversation = Conversation(workspace_id=lead.workspace_id, lead_id=lead.id, channel="sms",
                                address=f"+1555010{lead.id % 10}")  # fmt: skip
    session.add(conversation)
    session.flush()
    for direction, body in [("out", f"Hi {lead.first_name}, about your pricing question")] + (
        [("in", "Sounds good")] if replied else []
    ):
        session.add(Message(
            workspace_id=lead.workspace_id, conversation_id=conversation.id, lead_id=lead.id,
            direction=direction, author="agent" if direction == "out" else "lead", channel="sms",
            body=body, status="kept" if direction == "out" else "received", provider="outbox",
        ))  # fmt: skip
        session.flush()


def test_analytics_draw_without_errors(signed_in_page, session, workspace):
    _with_figures(workspace)
    page = signed_in_page
    errors = _console_errors(page)
    page.goto("/analytics")
    for chart in ("funnel", "speed", "replies", "calibration"):
        canvas = page.locator(f"#chart-{chart}")
        assert canvas.is_visible()
        assert canvas.bounding_box()["height"] > 100
    drawn = page.evaluate("() => Object.keys(Chart.instances).length")
    assert drawn == 4
    assert errors == []
    print(screenshot(page, "analytics"))


def test_the_outbox_is_searched(signed_in_page, session, workspace):
    _with_figures(workspace)
    page = signed_in_page
    page.goto("/outbox")
    assert page.locator(".outbox-row").count() == 6
    page.get_by_role("searchbox", name="Search messages").fill("Lead3")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/outbox?q=Lead3*")
    rows = page.locator(".outbox-row")
    assert rows.count() == 1
    assert "Lead3" in rows.first.inner_text()


def test_an_icp_rule_is_added_in_settings(signed_in_page):
    page = signed_in_page
    page.goto("/settings")
    form = page.get_by_test_id("add-rule")
    form.get_by_label("Field").fill("industry")
    form.get_by_label("Condition").select_option("in")
    form.get_by_label("Value").fill("software, saas")
    form.get_by_label("Points").fill("20")
    form.get_by_label("Reason").fill("Sells software")
    form.get_by_role("button", name="Add rule").click()
    page.wait_for_url("**/settings#icp")
    rules = page.get_by_test_id("icp-rules")
    assert "Sells software" in rules.inner_text()
    assert "software, saas" in rules.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    print(screenshot(page, "settings-phone"))


def test_the_agent_s_questions_are_set_on_a_phone(signed_in_page):
    page = signed_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/settings#agent")
    form = page.get_by_test_id("agent-form")
    form.get_by_label("Services you offer").fill("Snagging\nThermal imaging")
    form.locator("#ask-service").check()
    form.locator("#en-service").fill("Which inspection do you need?")
    form.locator("#ar-service").fill("ما نوع الفحص الذي تحتاجه؟")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    form.get_by_role("button", name="Save").click()
    page.wait_for_url("**/settings#agent")
    assert page.locator("#agent-services").input_value() == "Snagging\nThermal imaging"
    assert page.locator("#ask-service").is_checked()
    assert page.locator("#ar-service").input_value() == "ما نوع الفحص الذي تحتاجه؟"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    print(screenshot(page, "settings-agent-phone"))
