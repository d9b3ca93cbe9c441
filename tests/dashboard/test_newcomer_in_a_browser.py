"""A newcomer's first minutes, in Debian's chromium: sign in and meet the checklist; import an
Arabic CRM export saved as Windows-1256, some of whose phones are junk, and keep every row,
scored and on the board in its sales stage; a visitor writes through the chat widget on the
business's own site; their card appears on the board and moves live; the agent hands them to a
person, which the "needs a person" inbox shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.chat.test_widget_in_a_browser import HOMES_PAGE
from tests.dashboard.support import screenshot
from tests.dashboard.test_board_in_a_browser import WATCH_CARDS

pytestmark = pytest.mark.slow

HEADER = ["الاسم", "البريد الإلكتروني", "الجوال", "الشركة", "المدينة"]
JUNK_PHONES = ("n/a", "12", "-", "لا يوجد")
ROWS = 24


def crm_export(folder: Path) -> Path:
    """An export as an Arabic CRM writes it: Windows-1256, Arabic headers, Saudi numbers
    written nationally, and a phone that is no phone in every sixth row."""
    lines = [",".join(HEADER)]
    for number in range(ROWS):
        phone = JUNK_PHONES[number // 6] if number % 6 == 0 else f"05{50000000 + number:08d}"
        lines.append(
            f"عميل {number},client{number}@najd.example,{phone},شركة نجد {number % 4},الرياض"
        )
    path = folder / "تصدير العملاء.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1256"))
    return path


def test_a_newcomers_first_minutes(
    signed_in_page: Any, api: Any, live_server: str, other_site, tmp_path
):
    from playwright.sync_api import expect

    page = signed_in_page
    checklist = page.get_by_test_id("welcome-panel")
    expect(checklist).to_be_visible()
    expect(checklist.locator('[data-step="import_leads"]')).to_have_attribute("data-done", "no")

    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("CSV file").set_input_files(crm_export(tmp_path))
    page.get_by_role("button", name="Upload and map columns").click()
    expect(page.get_by_label("What column البريد الإلكتروني becomes")).to_have_value("email")
    expect(page.get_by_label("What column الجوال becomes")).to_have_value("phone")
    page.get_by_test_id("phone-region").fill("SA")
    page.get_by_role("button", name="Start the import").click()
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-status", "completed", timeout=90_000)
    counts = page.get_by_test_id("import-counts")
    expect(counts.locator('[data-count="created"]')).to_have_text(str(ROWS))
    expect(counts.locator('[data-count="rejected"]')).to_have_text("0")
    leads = api.get("/api/v1/leads", params={"limit": 100}).json()["items"]
    assert len(leads) == ROWS
    assert all(lead["score_tier"] for lead in leads)  # scored, so the tier filters work
    assert sum(lead["phone"] is None for lead in leads) == len(JUNK_PHONES)  # kept, blank

    page.get_by_role("link", name="Board").click()
    expect(page.locator('[data-count="new"]')).to_have_text(str(ROWS))
    expect(checklist.locator('[data-step="import_leads"]')).to_have_attribute("data-done", "yes")
    print(screenshot(page, "newcomer_board_after_import"))
    page.evaluate(WATCH_CARDS)
    page.wait_for_timeout(300)  # the stream connects

    token = api.get("/api/v1/workspace").json()["form_token"]
    site, served = other_site
    served["page"] = HOMES_PAGE.format(script=f"{live_server}/chat/{token}/widget.js")
    visitor = page.context.new_page()
    visitor.goto(f"{site}/homes")
    visitor.get_by_role("button", name="Chat with us").click()
    chat = visitor.get_by_role("dialog", name="Chat")
    chat.get_by_placeholder("Your name").fill("Mona Haddad")
    chat.get_by_placeholder("Email").fill("mona@haddad.example")
    chat.get_by_role("button", name="Start").click()
    chat.get_by_placeholder("Write a message").fill("I want to talk to a real person please")
    chat.get_by_role("button", name="Send").click()
    expect(chat.locator('[data-author="agent"]')).to_be_visible(timeout=30_000)

    card = page.locator(".lead-card", has_text="Mona Haddad")
    expect(card).to_have_attribute("data-stage", "contacted", timeout=30_000)
    expect(card.get_by_test_id("lead-needs-person")).to_be_visible(timeout=15_000)
    lead_id = card.get_attribute("data-lead-id")
    placed = [column for shown, column in page.evaluate("window.placed") if shown == lead_id]
    assert placed[0] == "pipeline", placed  # it arrived while the automation worked on it
    assert placed[-1] == "contacted", placed
    assert page.evaluate("window.notReloaded") is True

    page.get_by_role("link", name="Conversations").click()
    waiting = page.locator("[data-conversation-id]", has_text="Mona Haddad")
    expect(waiting).to_be_visible()
    print(screenshot(page, "newcomer_needs_a_person"))
