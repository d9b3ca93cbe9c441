"""The lead's page in Debian's chromium: read why the lead scored as it did, take the
conversation over, reply, and see the thread keep itself up to date."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.builders import settle_jobs
from tests.dashboard.support import screenshot
from tests.dashboard.test_lead_page import QUESTION, make_scored_lead, write_in
from tests.knowledge.support import fill_with_the_agency, make_knowledge_base

pytestmark = pytest.mark.slow


def test_reading_the_score_taking_over_and_replying(signed_in_page, api):
    fill_with_the_agency(api, make_knowledge_base(api, "Agency")["id"])
    lead_id = make_scored_lead(api)
    write_in(api.workspace, lead_id, QUESTION)
    settle_jobs()
    page = signed_in_page

    page.goto(f"/leads/{lead_id}")
    score = int(page.get_by_test_id("score-value").inner_text())
    reasons = page.get_by_test_id("score-reason")
    expect(reasons.first).to_contain_text("works in real estate")
    points = [int(p) for p in reasons.evaluate_all("rows => rows.map(r => r.dataset.points)")]
    assert sum(points) == score
    expect(page.get_by_test_id("citation")).to_contain_text(QUESTION)

    page.get_by_role("button", name="Take over").click()
    expect(page.get_by_test_id("handled-by")).to_have_text("A person is answering")
    expect(page.get_by_label("Reply as yourself")).to_be_focused()
    page.get_by_label("Reply as yourself").fill("Villas start at 1.85 million. Shall I call you?")
    page.get_by_role("button", name="Send").click()
    mine = page.get_by_test_id("message").filter(has_text="Shall I call you?")
    expect(mine).to_have_attribute("data-author", "person")
    expect(page.get_by_label("Reply as yourself")).to_have_value("")
    expect(mine).to_have_attribute("data-status", "kept")  # handed over, pushed live

    write_in(api.workspace, lead_id, "Yes please, after 5 pm.")  # the lead answers
    expect(page.get_by_test_id("message").last).to_contain_text("Yes please, after 5 pm.")
    assert re.search(r"/leads/\d+$", page.url)
    print(screenshot(page, "lead"))

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    print(screenshot(page, "lead-phone"))
