"""Editing, deleting, listing and the timeline of leads through the API."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from leadflow.models import Lead
from leadflow.workspaces.service import create_user
from tests.builders import make_lead, make_workspace, unique

LEADS = "/api/v1/leads"
PROBLEM = "application/problem+json"


def is_problem(response: Any, status: int) -> bool:
    return response.status_code == status and response.headers["content-type"].startswith(PROBLEM)


def set_columns(session, lead: Lead, **columns: Any) -> None:
    """Write columns the API does not set (timestamps, score) straight into the row."""
    session.execute(update(Lead).where(Lead.id == lead.id).values(**columns))
    session.commit()


def walk(api, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a cursor-paged list, page by page."""
    items, cursor = [], None
    for _ in range(100):
        page = api.get(url, params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursor never ran out")


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


# --- PATCH ----------------------------------------------------------------------------------


def test_an_edit_changes_only_the_fields_sent(api, session):
    lead = make_lead(
        session, api.workspace, email="only@example.com", full_name="Omar Farouk",
        phone="+1 415 555 2671", title="CTO", city="Austin", source="webinar", company="Acme",
    )  # fmt: skip
    before = api.get(f"{LEADS}/{lead.id}").json()
    response = api.patch(f"{LEADS}/{lead.id}", json={"city": "Boston"})
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["city"] == "Boston"
    untouched = {k: v for k, v in before.items() if k not in ("city", "updated_at")}
    assert {k: edited[k] for k in untouched} == untouched
    assert api.get(f"{LEADS}/{lead.id}").json() == edited


def test_an_edited_phone_is_stored_in_e164(api, session):
    lead = make_lead(session, api.workspace, email="phone@example.com")
    response = api.patch(f"{LEADS}/{lead.id}", json={"phone": "(415) 555-2671"})
    assert response.status_code == 200
    assert response.json()["phone"] == "+14155552671"
    assert api.get(f"{LEADS}/{lead.id}").json()["phone"] == "+14155552671"


def test_an_edit_is_validated_like_an_arrival(api, session):
    lead = make_lead(session, api.workspace, email="valid@example.com")
    response = api.patch(f"{LEADS}/{lead.id}", json={"email": "not an email", "city": "Oslo"})
    assert is_problem(response, 422)
    assert set(response.json()["errors"]) == {"email"}
    unchanged = api.get(f"{LEADS}/{lead.id}").json()
    assert (unchanged["email"], unchanged["city"]) == ("valid@example.com", None)


def test_an_email_another_lead_holds_is_a_conflict_naming_that_lead(api, session):
    holder = make_lead(session, api.workspace, email="taken@example.com")
    lead = make_lead(session, api.workspace, email="free@example.com")
    response = api.patch(f"{LEADS}/{lead.id}", json={"email": "Taken@Example.com"})
    assert is_problem(response, 409)
    assert response.json()["lead_id"] == holder.id
    assert str(holder.id) in response.json()["detail"]
    assert api.get(f"{LEADS}/{lead.id}").json()["email"] == "free@example.com"


def test_a_lead_may_keep_its_own_email_in_another_spelling(api, session):
    lead = make_lead(session, api.workspace, email="mine@example.com")
    response = api.patch(f"{LEADS}/{lead.id}", json={"email": "MINE@example.com"})
    assert response.status_code == 200
    assert response.json()["email"] == "MINE@example.com"


def test_a_stage_change_goes_on_the_timeline(api, session):
    lead = make_lead(session, api.workspace, email="stage@example.com")
    response = api.patch(f"{LEADS}/{lead.id}", json={"stage": "qualifying"})
    assert response.status_code == 200
    assert response.json()["stage"] == "qualifying"
    timeline = api.get(f"{LEADS}/{lead.id}/activities").json()["items"]
    assert timeline[0]["kind"] == "lead.stage_changed"
    assert timeline[0]["actor"] == "api"
    assert timeline[0]["data"]["changes"] == {"stage": ["harvested", "qualifying"]}


def test_other_edits_go_on_the_timeline_as_updates(api, session):
    lead = make_lead(session, api.workspace, email="upd@example.com")
    api.patch(f"{LEADS}/{lead.id}", json={"title": "CEO", "stage": "enriching"})
    newest = api.get(f"{LEADS}/{lead.id}/activities").json()["items"][0]
    assert newest["kind"] == "lead.updated"
    assert newest["data"]["changes"]["title"] == [None, "CEO"]
    assert newest["data"]["changes"]["stage"] == ["harvested", "enriching"]


def test_an_edit_that_changes_nothing_leaves_no_entry(api, session):
    lead = make_lead(session, api.workspace, email="same@example.com")
    api.patch(f"{LEADS}/{lead.id}", json={"email": "same@example.com"})
    kinds = [a["kind"] for a in api.get(f"{LEADS}/{lead.id}/activities").json()["items"]]
    assert kinds == ["lead.created"]


def test_custom_fields_merge_and_a_null_removes_a_key(api, session):
    created = api.post(
        LEADS, json={"email": "custom@example.com", "custom_fields": {"plan": "pro", "seats": 3}}
    ).json()["lead"]
    response = api.patch(
        f"{LEADS}/{created['id']}", json={"custom_fields": {"seats": None, "region": "emea"}}
    )
    assert response.status_code == 200
    assert response.json()["custom_fields"] == {"plan": "pro", "region": "emea"}


def test_an_unknown_stage_is_refused(api, session):
    lead = make_lead(session, api.workspace, email="badstage@example.com")
    assert is_problem(api.patch(f"{LEADS}/{lead.id}", json={"stage": "won"}), 422)


def test_an_edited_consent_is_kept(api, session):
    lead = make_lead(session, api.workspace, email="consent@example.com")
    response = api.patch(f"{LEADS}/{lead.id}", json={"consent": "denied"})
    assert response.status_code == 200
    assert response.json()["consent_status"] == "denied"


@pytest.mark.parametrize(
    ("sent", "field", "expected"),
    [
        ({"full_name": "Kim Roe"}, "last_name", "Roe"),
        ({"company": "Zeta Labs"}, "company", "Zeta Labs"),
    ],
)
def test_a_field_the_schema_accepts_is_applied_or_refused(api, session, sent, field, expected):
    lead = make_lead(session, api.workspace, email="accepted@example.com", full_name="Pat Doe")
    response = api.patch(f"{LEADS}/{lead.id}", json=sent)
    if response.status_code != 422:
        value = response.json()[field]
        if field == "company":
            value = (value or {}).get("name")
        assert value == expected


def test_a_lead_known_by_name_and_company_can_be_edited(api, session):
    lead = make_lead(session, api.workspace, full_name="Noor Aziz", company="Globex")
    response = api.patch(f"{LEADS}/{lead.id}", json={"title": "CFO"})
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "CFO"


def test_an_owner_that_does_not_exist_is_refused(api, session):
    lead = make_lead(session, api.workspace, email="owner@example.com")
    response = api.patch(f"{LEADS}/{lead.id}", json={"owner_id": 987_654})
    assert 400 <= response.status_code < 500


def test_a_user_of_another_workspace_cannot_own_a_lead(api, session):
    lead = make_lead(session, api.workspace, email="tenant@example.com")
    outsider = create_user(
        session, email=f"{unique('outsider')}@example.com", password="long-enough",
        workspace=make_workspace(session),
    )  # fmt: skip
    session.commit()
    response = api.patch(f"{LEADS}/{lead.id}", json={"owner_id": outsider.id})
    assert response.status_code in (404, 422)


def test_a_member_can_own_a_lead(api, session):
    lead = make_lead(session, api.workspace, email="member@example.com")
    member = create_user(
        session,
        email=f"{unique('member')}@example.com",
        password="long-enough",
        workspace=api.workspace,
    )
    session.commit()
    response = api.patch(f"{LEADS}/{lead.id}", json={"owner_id": member.id})
    assert response.status_code == 200
    assert response.json()["owner_id"] == member.id
    assert ids(api.get(LEADS, params={"owner_id": member.id}).json()["items"]) == [lead.id]


# --- DELETE ---------------------------------------------------------------------------------


def test_a_deleted_lead_is_gone(api, session):
    lead = make_lead(session, api.workspace, email="gone@example.com")
    api.patch(f"{LEADS}/{lead.id}", json={"stage": "failed"})
    deleted = api.delete(f"{LEADS}/{lead.id}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert is_problem(api.get(f"{LEADS}/{lead.id}"), 404)
    assert is_problem(api.get(f"{LEADS}/{lead.id}/activities"), 404)
    assert is_problem(api.delete(f"{LEADS}/{lead.id}"), 404)
    assert api.post(LEADS, json={"email": "gone@example.com"}).status_code == 201


# --- Listing: filters -----------------------------------------------------------------------


def test_list_filters_by_stage_source_and_consent(api, session):
    webinar = make_lead(session, api.workspace, email="w@example.com", source="webinar")
    granted = make_lead(session, api.workspace, email="g@example.com", consent="yes")
    staged = make_lead(session, api.workspace, email="s@example.com")
    api.patch(f"{LEADS}/{staged.id}", json={"stage": "completed"})
    assert ids(walk(api, LEADS, stage="completed")) == [staged.id]
    assert ids(walk(api, LEADS, source="webinar")) == [webinar.id]
    assert ids(walk(api, LEADS, consent_status="granted")) == [granted.id]
    assert set(ids(walk(api, LEADS, consent_status="unknown"))) == {webinar.id, staged.id}
    assert walk(api, LEADS, stage="failed") == []


def test_list_filters_by_creation_time(api, session):
    start = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    leads = [make_lead(session, api.workspace, email=f"t{n}@example.com") for n in range(4)]
    for day, lead in enumerate(leads):
        set_columns(session, lead, created_at=start + timedelta(days=day))
    after = (start + timedelta(days=1)).isoformat()
    before = (start + timedelta(days=3)).isoformat()
    assert set(ids(walk(api, LEADS, created_after=after))) == {x.id for x in leads[1:]}
    assert set(ids(walk(api, LEADS, created_before=before))) == {x.id for x in leads[:3]}
    window = walk(api, LEADS, created_after=after, created_before=before)
    assert set(ids(window)) == {leads[1].id, leads[2].id}


def test_list_filters_by_company(api, session):
    acme = make_lead(session, api.workspace, email="a1@acme.com", company="Acme")
    also_acme = make_lead(session, api.workspace, email="a2@acme.com", company="Acme Inc")
    make_lead(session, api.workspace, email="g1@globex.com", company="Globex")
    assert acme.company_id == also_acme.company_id
    found = walk(api, LEADS, company_id=acme.company_id)
    assert set(ids(found)) == {acme.id, also_acme.id}


@pytest.fixture
def searchable(api, session) -> dict[str, Lead]:
    ws = api.workspace
    return {
        "ada": make_lead(session, ws, email="ada.l@analytical.org", full_name="Ada Lovelace"),
        "grace": make_lead(
            session, ws, phone="(415) 555-2671", full_name="Grace Hopper", company="Remington Rand"
        ),
        "alan": make_lead(session, ws, email="alan@bletchley.uk", full_name="Alan T"),
    }


@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("ada.l@", "ada"),
        ("ADA.L@analytical", "ada"),
        ("(415) 555", "grace"),  # a number is found from its start
        ("4155552671", "grace"),
        ("+1 415-555-2671", "grace"),
        ("lovelace", "ada"),
        ("Grace", "grace"),
        ("remington", "grace"),
        ("bletchley", None),  # an email is matched from its start, not in its middle
    ],
)
def test_list_finds_leads_by_email_phone_name_or_company(api, searchable, q, who):
    expected = [searchable[who].id] if who else []
    assert ids(walk(api, LEADS, q=q)) == expected


def test_search_finds_by_what_was_typed(api, searchable):
    response = api.get(f"{LEADS}/search", params={"q": "hopper"})
    assert response.status_code == 200
    assert ids(response.json()["items"]) == [searchable["grace"].id]
    assert api.get(f"{LEADS}/search", params={"q": "nobody-at-all"}).json()["items"] == []


def test_search_pages_through_its_results(api, session):
    made = {make_lead(session, api.workspace, email=f"bulk{n}@example.com").id for n in range(5)}
    found = walk(api, f"{LEADS}/search", q="bulk", limit=2)
    assert sorted(ids(found)) == sorted(made)


def test_search_needs_something_to_look_for(api):
    assert is_problem(api.get(f"{LEADS}/search", params={"q": ""}), 422)
    assert is_problem(api.get(f"{LEADS}/search"), 422)


# --- Listing: every sort, page after page ---------------------------------------------------

BASE = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
# Twelve leads: (last name, score, minutes after BASE created, minutes after BASE updated).
# Repeated values test that the id breaks ties; None scores and names sort last.
ROWS = [
    ("Mills", 40, 0, 50),
    ("Adams", None, 5, 5),
    ("Zhou", 90, 5, 40),
    ("Mills", 40, 5, 30),
    (None, 10, 10, 30),
    ("Baker", 90, 20, 30),
    ("Adams", 55, 20, 10),
    ("Young", None, 30, 60),
    (None, 55, 40, 60),
    ("Baker", 0, 40, 20),
    ("Diaz", 40, 40, 70),
    ("Ortiz", 75, 55, 0),
]


@pytest.fixture
def sortable(api, session) -> list[dict[str, Any]]:
    rows = []
    for n, (last_name, score, created, updated) in enumerate(ROWS):
        fields = {"email": f"sort{n}@example.com"}
        if last_name:
            fields["last_name"] = last_name
        lead = make_lead(session, api.workspace, **fields)
        values = {
            "score": score,
            "created_at": BASE + timedelta(minutes=created),
            "updated_at": BASE + timedelta(minutes=updated),
        }
        set_columns(session, lead, **values)
        rows.append({"id": lead.id, "last_name": last_name, **values})
    return rows


def expected_order(rows: list[dict[str, Any]], sort: str) -> list[int]:
    """The order the API promises: by the key, then by id, in one direction; nulls last."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    ordered = sorted(present, key=lambda r: (r[key], r["id"]), reverse=descending)
    ordered += sorted(missing, key=lambda r: r["id"], reverse=descending)
    return [r["id"] for r in ordered]


@pytest.mark.parametrize(
    "sort",
    [
        "created_at", "-created_at", "updated_at", "-updated_at", "last_name", "-last_name",
        "score", "-score",
    ],
)  # fmt: skip
def test_every_sort_pages_without_duplicates_or_gaps(api, sortable, sort):
    pages, cursor = [], None
    while True:
        params = {"sort": sort, "limit": 5, **({"cursor": cursor} if cursor else {})}
        page = api.get(LEADS, params=params).json()
        pages.append(ids(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [i for page in pages for i in page] == expected_order(sortable, sort)


def test_the_default_order_is_newest_first(api, sortable):
    assert ids(walk(api, LEADS, limit=5)) == expected_order(sortable, "-created_at")


def test_an_unknown_sort_is_refused(api):
    assert is_problem(api.get(LEADS, params={"sort": "email"}), 422)


@pytest.mark.parametrize("cursor", ["garbage!", "bm90LWpzb24", "WzEsICJ4Il0", "e30"])
def test_a_cursor_the_api_did_not_give_out_is_a_bad_request(api, cursor):
    assert is_problem(api.get(LEADS, params={"cursor": cursor}), 400)


def _cursor(value: Any, row_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, row_id]).encode()).decode().rstrip("=")


def test_a_cursor_from_another_sort_is_a_bad_request(api, sortable):
    by_name = api.get(LEADS, params={"sort": "last_name", "limit": 5}).json()
    response = api.get(LEADS, params={"sort": "created_at", "cursor": by_name["next_cursor"]})
    assert is_problem(response, 400)


@pytest.mark.parametrize(
    "value", [1.5, [1, 2], {"dt": "2024-01-01T00:00:00"}], ids=["float", "list", "naive-dt"]
)
def test_a_forged_cursor_is_a_bad_request(api, value):
    assert is_problem(api.get(LEADS, params={"cursor": _cursor(value, 5)}), 400)


@pytest.mark.parametrize("name", ["created_after", "created_before", "updated_after"])
def test_a_time_filter_without_an_offset_is_not_a_server_error(api, name):
    response = api.get(LEADS, params={name: "2024-01-01T00:00:00"})
    assert response.status_code in (200, 400, 422)


# --- Timeline -------------------------------------------------------------------------------


def test_the_timeline_ends_with_the_arrival_and_its_origin(api):
    created = api.post(LEADS, json={"email": "origin@example.com", "source": "ads"}).json()
    lead = created["lead"]
    api.patch(f"{LEADS}/{lead['id']}", json={"stage": "enriching"})
    timeline = api.get(f"{LEADS}/{lead['id']}/activities").json()
    assert [a["kind"] for a in timeline["items"]] == ["lead.stage_changed", "lead.created"]
    arrival = timeline["items"][-1]
    assert arrival["actor"] == "api"
    assert arrival["occurred_at"] == lead["created_at"]
    assert arrival["data"] == {"source": "ads"}
    assert timeline["next_cursor"] is None


def test_the_timeline_pages_and_the_arrival_closes_the_last_page(api, session):
    lead = make_lead(session, api.workspace, email="pages@example.com")
    for stage in ("enriching", "qualifying", "strategizing", "finalizing"):
        api.patch(f"{LEADS}/{lead.id}", json={"stage": stage})
    entries = walk(api, f"{LEADS}/{lead.id}/activities", limit=2)
    assert [e["kind"] for e in entries] == [*["lead.stage_changed"] * 4, "lead.created"]
    assert [e["data"]["changes"]["stage"][1] for e in entries[:4]] == [
        "finalizing", "strategizing", "qualifying", "enriching",
    ]  # fmt: skip
    assert entries[-1]["actor"] == "tests"  # the origin make_lead gives
