"""The board in Debian's chromium: a new inbound lead's card appears in the automation's column
and lands in its sales stage when the automation is done, without a reload; a card dragged to
another sales stage stays there; the board fits a desktop screen and a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.builders import make_api_key
from tests.dashboard.support import screenshot
from tests.dashboard.test_board import board_lead

pytestmark = pytest.mark.slow

# Every card put on the board is noted with the column it went into, to see a card move.
WATCH_CARDS = """() => {
  window.placed = [];
  window.notReloaded = true;
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      if (node.classList && node.classList.contains("lead-card")) {
        window.placed.push([node.dataset.leadId, change.target.dataset.stage]);
      }
    }
  }).observe(document.getElementById("board-columns"), {childList: true, subtree: true});
}"""


def _card(page: Any, lead_id: int, stage: str) -> Any:
    return page.locator(f'.board-cards[data-stage="{stage}"] #lead-{lead_id}')


def _new_lead(live_server: str, key: str, **fields: str) -> int:
    created = httpx.post(
        f"{live_server}/api/v1/leads", json=fields, headers={"Authorization": f"Bearer {key}"}
    )
    assert created.status_code == 201, created.text
    return int(created.json()["lead"]["id"])


def test_a_new_leads_card_arrives_and_moves_through_the_stages_live(
    signed_in_page, live_server, session, workspace
):
    page = signed_in_page
    page.evaluate(WATCH_CARDS)
    page.wait_for_timeout(300)  # the stream connects
    key = make_api_key(session, workspace)
    lead_id = _new_lead(
        live_server, key, first_name="Layla", last_name="Demir", company="Summit Labs",
        email="layla@summit.example",
    )  # fmt: skip

    done = _card(page, lead_id, "new")
    done.wait_for()
    assert "Layla Demir" in done.inner_text()
    assert "Summit Labs" in done.inner_text()
    assert page.evaluate("window.notReloaded") is True
    placed = [stage for card, stage in page.evaluate("window.placed") if card == str(lead_id)]
    assert placed[0] == "pipeline", placed
    assert placed[-1] == "new", placed
    assert set(placed) == {"pipeline", "new"}, placed
    assert page.locator(f"#lead-{lead_id}").count() == 1
    assert page.locator('[data-count="new"]').inner_text() == "1"

    _a_busy_morning(session, workspace)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.reload()
    print(screenshot(page, "board"))
    # Every column fits a desktop screen: nothing is cut off at the edge.
    assert page.evaluate("document.getElementById('board-columns').scrollWidth") <= 1400
    last = page.locator(".board-column").last.bounding_box()
    assert last is not None
    assert last["x"] + last["width"] <= 1400
    # Each bar's width, from data-progress (the pages' policy refuses style attributes).
    priya = page.locator(".lead-card", has_text="Priya Raman").locator(".progress-bar")
    assert priya.evaluate("bar => bar.style.width") == "48%"

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: one column at a time
    move = page.get_by_role("button", name="Move Noura Al-Qahtani to another sales stage")
    move.scroll_into_view_if_needed()  # a column at a time, swiped to
    box = move.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _a_busy_morning(session: Any, workspace: Any) -> None:
    """Leads at every stage, for the board's screenshot."""
    now = datetime.now(UTC)
    people = [
        ("Noura", "Al-Qahtani", "Oasis Realty", "whatsapp", "completed", "HOT", 91, None, 1, 100),
        ("James", "Wilson", "Harbor Logistics", "import:1", "enriching", None, None, "reading "
         "the phone number's country and time zone", None, 12),
        ("Priya", "Raman", "Lumen Health", "web form", "qualifying", "WARM", 64,
         "scoring the lead", 2, 48),
        ("Omar", "Hassan", "Falcon Capital", "sms", "completed", "HOT", 88, None, 1, 100),
        ("Emma", "Becker", "Verde Foods", "email", "completed", "COLD", 31, None, 3, 100),
        ("Yusuf", "Demir", "Summit Energy", "whatsapp", "completed", "WARM", 58, None, 40, 100),
    ]  # fmt: skip
    sales_stages = {"Omar": "qualified", "Emma": "lost", "Yusuf": "meeting", "Noura": "contacted"}
    for first, last, company, origin, stage, tier, score, step, minutes, progress in people:
        board_lead(
            session, workspace, first_name=first, last_name=last, company=company, origin=origin,
            stage=stage, sales_stage=sales_stages.get(first, "new"),
            score_tier=tier, score=score, pipeline_step=step, pipeline_progress=progress,
            first_message_at=now - timedelta(minutes=minutes) if minutes else None,
            first_response_ms=2_300 if minutes else None,
        )  # fmt: skip


def test_a_dragged_card_stays_in_its_new_column_after_a_reload(
    signed_in_page, live_server, session, workspace
):
    page = signed_in_page
    key = make_api_key(session, workspace)
    lead_id = _new_lead(live_server, key, email="dragged@example.com", company="Falcon Works")
    _card(page, lead_id, "new").wait_for()

    with page.expect_response(lambda answer: answer.url.endswith("/stage")) as moved:
        _card(page, lead_id, "new").drag_to(page.locator('.board-cards[data-stage="qualified"]'))
    assert moved.value.status == 200
    _card(page, lead_id, "qualified").wait_for()
    page.reload()
    _card(page, lead_id, "qualified").wait_for()
    assert page.locator('[data-count="qualified"]').inner_text() == "1"

    page.get_by_role("button", name="Move dragged@example.com to another sales stage").press(
        "Enter"
    )
    stages = page.get_by_role("dialog")
    assert stages.get_by_role("button", name="Qualified").is_disabled()  # where it is now
    assert stages.get_by_role("button", name="Harvesting & enriching").count() == 0
    with page.expect_response(lambda answer: answer.url.endswith("/stage")):
        stages.get_by_role("button", name="Won").press("Enter")
    _card(page, lead_id, "won").wait_for()
    page.wait_for_function(f"document.activeElement.id === 'move-{lead_id}'")  # focus stays
    page.reload()
    assert _card(page, lead_id, "won").count() == 1
