"""The analytics page: four charts, each with its figures as a table, from the workspace's own
data; the speed-to-lead API and the page tell the same figures."""

from __future__ import annotations

from datetime import timedelta

from leadflow.models.base import utcnow
from tests.builders import make_lead, make_workspace
from tests.dashboard.support import Browser, make_person


def test_the_page_draws_four_charts_with_tables(client, session, workspace):
    for score, outcome in ((90, "won"), (85, "won"), (10, "lost")):
        lead = make_lead(session, workspace)
        lead.score, lead.outcome, lead.stage = score, outcome, "completed"
    session.commit()
    page = Browser(client, make_person(workspace)).get("/analytics")
    assert page.status_code == 200
    for chart in ("funnel", "calibration"):
        assert f'<canvas id="chart-{chart}" role="img"' in page.text
    for chart in ("funnel", "speed", "replies", "calibration"):
        assert f'id="{chart}-table"' in page.text
    # no lead wrote and nobody wrote to one: those two charts say what will appear instead
    assert '<canvas id="chart-speed"' not in page.text
    assert "once the first one writes" in page.text
    assert "/static/vendor/chart-4.6.1.umd.min.js" in page.text
    assert '<th scope="row">80-100</th><td>2</td><td>87.5%</td><td>100.0% (2)</td>' in page.text
    assert '<th scope="row">0-19</th><td>1</td><td>10.0%</td><td>0.0% (0)</td>' in page.text
    assert "No conversation where the business wrote yet." in page.text


def test_speed_to_lead_on_the_page_matches_the_api(client, session, api):
    start = utcnow() - timedelta(hours=2)
    for ms in (4_000, 50_000, 7_200_000):
        lead = make_lead(session, api.workspace)
        lead.first_message_at, lead.first_response_ms = start, ms
    make_lead(session, api.workspace).first_message_at = start
    session.commit()
    figures = api.get("/api/v1/analytics/speed-to-lead").json()
    assert (figures["answered"], figures["unanswered"], figures["p50_ms"]) == (3, 1, 50_000)
    assert figures["buckets"]["within 10s"] == 1
    assert figures["buckets"]["within 24h"] == 3
    page = Browser(client, make_person(api.workspace)).get("/analytics").text
    assert "3 of 4 leads who wrote were answered; 1 still wait." in page
    assert "p50 50.0 s" in page
    # the table shows each band, not the cumulative counts the API gives
    assert '<th scope="row">within 10s</th><td>1</td>' in page
    assert '<th scope="row">within 1m</th><td>1</td>' in page
    assert '<th scope="row">within 24h</th><td>1</td>' in page


def test_another_workspace_s_leads_are_not_counted(client, session, workspace):
    other = make_workspace(session)
    lead = make_lead(session, other)
    lead.score, lead.outcome = 50, "won"
    session.commit()
    make_lead(session, workspace)
    page = Browser(client, make_person(workspace)).get("/analytics").text
    assert "No lead has an outcome (won or lost) yet." in page


def test_the_page_is_in_arabic_too(client, session, workspace):
    make_lead(session, workspace)
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": "ar"})
    assert "العملاء حسب مرحلة البيع" in browser.get("/analytics").text
