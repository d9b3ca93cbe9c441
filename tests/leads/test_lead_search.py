"""Finding a lead by a phone or WhatsApp number written any common way, in the API and on the
board, read in the workspace's default region; and by an index, not a scan of every lead."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from leadflow.identity.phones import typed_number
from leadflow.leads.repository import LeadFilters, list_leads
from leadflow.models import Workspace
from tests.builders import Api, make_api_key, make_lead, make_workspace
from tests.dashboard.support import Browser, make_person

LEADS = "/api/v1/leads"
WHATSAPP_ONLY = "+966553330001"
WRITINGS = [
    "+966553330001",
    "+966 55 333 0001",
    "00966553330001",
    "0553330001",
    "966553330001",
    "055-333-0001",
    "055.333.0001",
    "(055) 333 0001",
    "+966 (55) 333-0001",
    "00 966 55 333 0001",
]


@pytest.fixture
def saudi(session, client) -> tuple[Api, dict[str, Any]]:
    """A workspace whose default region is SA, with a WhatsApp-only lead, a lead with a phone
    written in the local format, and one with a US number."""
    workspace = make_workspace(session, region="SA")
    leads = {
        "whatsapp": make_lead(session, workspace, whatsapp=WHATSAPP_ONLY, full_name="Wafa Ali"),
        "phone": make_lead(session, workspace, phone="0551110001", full_name="Fahad Saad"),
        "american": make_lead(session, workspace, phone="+1 415 555 2671", full_name="Grace H"),
    }
    return Api(client, make_api_key(session, workspace), workspace), leads


def found(api: Api, q: str, url: str = LEADS) -> list[int]:
    response = api.get(url, params={"q": q})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("q", WRITINGS)
def test_a_whatsapp_only_lead_is_found_by_its_number_written_any_common_way(saudi, q):
    api, leads = saudi
    assert leads["whatsapp"].phone is None
    assert found(api, q) == [leads["whatsapp"].id]
    assert found(api, q, f"{LEADS}/search") == [leads["whatsapp"].id]


@pytest.mark.parametrize("q", ["0551110001", "+966551110001", "055 111 0001", "966551110001"])
def test_a_lead_is_found_by_its_phone_in_the_local_format_of_the_workspace(saudi, q):
    api, leads = saudi
    assert leads["phone"].phone == "+966551110001"
    assert found(api, q) == [leads["phone"].id]


@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("055 333", ["whatsapp"]),  # typed from its start, in the local format
        ("+96655", ["whatsapp", "phone"]),
        ("0096655111", ["phone"]),
        ("+1 415 555", ["american"]),
        ("0553339999", []),  # a whole number that is nobody's
        ("+966 55 333 0002", []),
    ],
)
def test_a_number_is_found_from_its_start_as_it_is_typed(saudi, q, who):
    api, leads = saudi
    assert sorted(found(api, q)) == sorted(leads[name].id for name in who)


def test_a_workspace_elsewhere_finds_the_number_written_internationally(session, api):
    lead = make_lead(session, api.workspace, whatsapp="+966 55 333 0001")
    assert api.workspace.default_region == "US"
    for q in ("+966 55 333 0001", "00966553330001", "966553330001"):
        assert found(api, q) == [lead.id], q
    assert found(api, "0553330001") == []  # a national number of the US, which it is not


@pytest.mark.usefixtures("saudi")
def test_another_workspaces_lead_with_the_number_is_not_found(session, client):
    other = make_workspace(session, region="SA")
    stranger = Api(client, make_api_key(session, other), other)
    assert found(stranger, WHATSAPP_ONLY) == []
    assert found(stranger, "0551110001") == []


@pytest.mark.parametrize("q", ["0553330001", "+966 55 333 0001", "00966553330001"])
def test_the_boards_search_box_finds_the_number_too(client, session, saudi, q):
    api, leads = saudi
    browser = Browser(client, make_person(api.workspace))
    page = browser.get("/board", params={"q": q}).text
    assert f'id="lead-{leads["whatsapp"].id}"' in page
    assert f'id="lead-{leads["phone"].id}"' not in page
    assert f'id="lead-{leads["american"].id}"' not in page


def test_text_that_is_no_number_still_finds_by_name_company_or_email(saudi):
    api, leads = saudi
    assert found(api, "wafa") == [leads["whatsapp"].id]
    assert found(api, "12") == []  # too short to be a number, and nobody's name


def test_reading_what_was_typed():
    assert typed_number("0553330001", "SA").wholes == ("+966553330001",)
    assert typed_number("055 333", "SA").beginnings == ("+96655333",)
    assert typed_number("Wafa", "SA") is None
    assert typed_number("123", "SA") is None
    assert typed_number("+0123456", "SA").wholes == typed_number("+0123456", "SA").beginnings == ()


# --- an index answers it ----------------------------------------------------------------------


@contextmanager
def statements_run(session) -> Iterator[list[tuple[str, Any]]]:
    """The SQL the session sends, with its parameters, while the block runs."""
    seen: list[tuple[str, Any]] = []
    engine = session.get_bind()

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plan_of_search(session, workspace: Workspace, q: str) -> str:
    filters = LeadFilters(q=q, region=workspace.default_region)
    with statements_run(session) as seen:
        list_leads(session, workspace.id, filters, sort="-updated_at", limit=25, cursor=None)
    statement, parameters = next((s, p) for s, p in seen if s.lstrip().startswith("SELECT"))
    rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    return "\n".join(str(row[-1]) for row in rows)


# SQLite, without statistics (a database that never imported), read every lead of the workspace
# for an OR of the two numbers beside the workspace's condition. PostgreSQL's planner works from
# the statistics autovacuum keeps, so the few rows of a test say nothing of its plan at scale.
@pytest.mark.embedded_only
@pytest.mark.parametrize("q", ["0553330001", "055 333", "+966 55 333 0001"])
def test_a_number_is_looked_up_in_the_phone_and_whatsapp_indexes(session, saudi, q):
    api, _ = saudi
    plan = plan_of_search(session, api.workspace, q)
    session.rollback()
    assert "ix_lead_workspace_id_phone (workspace_id=? AND phone" in plan, plan
    assert "ix_lead_workspace_id_whatsapp_id (workspace_id=? AND whatsapp_id" in plan, plan
    assert "SCAN lead" not in plan, plan
    assert "(workspace_id=?)" not in plan, plan
