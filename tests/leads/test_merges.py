"""Identity resolution through the API: a second arrival of a person merges, and can be undone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import make_lead

LEADS = "/api/v1/leads"


def arrive(api, **fields: Any) -> Any:
    return api.post(LEADS, json=fields)


def timeline_kinds(api, lead_id: int) -> list[str]:
    return [a["kind"] for a in api.get(f"{LEADS}/{lead_id}/activities").json()["items"]]


# --- What merges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "matched_on"),
    [
        ({"email": "Sara.Ali@Example.com"}, {"email": "sara.ali@EXAMPLE.COM"}, "email"),
        ({"email": "sara.ali@example.com"}, {"email": "  <SARA.ALI@example.com> "}, "email"),
        ({"phone": "(415) 555-2671"}, {"phone": "+1 415-555-2671"}, "phone"),
        ({"phone": "+1 415-555-2671"}, {"phone": "415.555.2671"}, "phone"),
        ({"whatsapp": "+971 50 123 4567"}, {"whatsapp": "whatsapp:+971501234567"}, "whatsapp"),
    ],
)
def test_the_same_person_in_another_spelling_merges(api, first, second, matched_on):
    created = arrive(api, **first)
    merged = arrive(api, **second)
    assert created.status_code == 201
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert (body["outcome"], body["matched_on"]) == ("merged", matched_on)
    assert body["lead"]["id"] == created.json()["lead"]["id"]
    assert isinstance(body["merge_id"], int)
    assert len(api.get(LEADS).json()["items"]) == 1


@pytest.mark.parametrize(
    ("company", "again"),
    [
        ("Acme Industries Inc", "ACME Industries"),
        ("Acme Industries, Inc.", "acme industries llc"),
        ("Acme Industries", "Acme Industires"),  # a typo is still the company
    ],
)
def test_the_same_name_at_the_same_company_merges(api, company, again):
    created = arrive(api, full_name="Lena Novak", company=company)
    merged = arrive(api, first_name="lena", last_name="NOVAK", company=again, title="CFO")
    assert created.status_code == 201
    assert merged.status_code == 200, merged.text
    assert (merged.json()["outcome"], merged.json()["matched_on"]) == (
        "merged", "name_and_company",
    )  # fmt: skip
    assert merged.json()["lead"]["id"] == created.json()["lead"]["id"]
    assert merged.json()["lead"]["title"] == "CFO"


def test_a_name_at_a_company_merges_into_a_lead_that_also_has_an_email(api):
    created = arrive(api, full_name="Lena Novak", company="Acme", email="lena@acme.com")
    merged = arrive(api, full_name="Lena Novak", company="Acme", city="Prague")
    assert merged.status_code == 200
    assert merged.json()["matched_on"] == "name_and_company"
    assert merged.json()["lead"]["id"] == created.json()["lead"]["id"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"email": "lena.novak@acme.com"}, {"email": "lena.n@acme.com"}),
        ({"phone": "+1 415 555 2671"}, {"phone": "+1 415 555 0134"}),
        ({"email": "lena.novak@acme.com"}, {"phone": "+1 415 555 0134"}),
    ],
)
def test_namesakes_at_one_company_with_other_contacts_stay_apart(api, first, second):
    one = arrive(api, full_name="Lena Novak", company="Acme Industries", **first)
    two = arrive(api, full_name="Lena Novak", company="Acme Industries", **second)
    assert (one.status_code, two.status_code) == (201, 201)
    assert two.json()["outcome"] == "created"
    assert one.json()["lead"]["id"] != two.json()["lead"]["id"]


def test_the_same_name_at_another_company_does_not_merge(api):
    arrive(api, full_name="Lena Novak", company="Acme Industries")
    other = arrive(api, full_name="Lena Novak", company="Acme Insurance")
    assert other.status_code == 201


# --- What a merge changes -------------------------------------------------------------------


def test_a_merge_fills_blanks_and_never_overwrites(api, session):
    lead = make_lead(
        session, api.workspace, email="kept@example.com", full_name="Maya Cohen", title="CEO",
    )  # fmt: skip
    merged = arrive(
        api, email="KEPT@example.com", full_name="Mia Kohn", title="Intern", city="Paris",
        phone="+33 1 42 68 53 00", custom_fields={"budget": "50k"},
    ).json()  # fmt: skip
    after = merged["lead"]
    assert (after["first_name"], after["last_name"], after["title"]) == ("Maya", "Cohen", "CEO")
    assert after["email"] == "kept@example.com"
    assert (after["city"], after["phone"]) == ("Paris", "+33142685300")
    assert after["custom_fields"] == {"budget": "50k"}
    (record,) = api.get(f"{LEADS}/{lead.id}/merges").json()["items"]
    assert record["id"] == merged["merge_id"]
    assert record["lead_id"] == lead.id
    assert record["matched_on"] == "email"
    assert record["source"] == "api"
    assert record["changes"] == {
        "city": [None, "Paris"],
        "phone": [None, "+33142685300"],
        "custom_fields": [{}, {"budget": "50k"}],
    }
    assert record["incoming"]["title"] == "Intern"
    assert (record["undone_at"], record["split_lead_id"]) == (None, None)


def test_a_merge_goes_on_the_timeline(api, session):
    lead = make_lead(session, api.workspace, email="tl@example.com")
    merge_id = arrive(api, email="TL@example.com", city="Rome").json()["merge_id"]
    newest = api.get(f"{LEADS}/{lead.id}/activities").json()["items"][0]
    assert newest["kind"] == "lead.merged"
    assert newest["data"] == {
        "via": "api", "merge_id": merge_id, "matched_on": "email", "fields": ["city"],
    }  # fmt: skip


def test_a_refusal_of_consent_in_a_merge_stands(api, session):
    make_lead(session, api.workspace, email="optout@example.com", consent="yes")
    merged = arrive(api, email="optout@example.com", consent="no").json()
    assert merged["lead"]["consent_status"] == "denied"
    again = arrive(api, email="optout@example.com", consent="yes").json()
    assert again["lead"]["consent_status"] == "denied"


def test_merges_are_listed_newest_first(api, session):
    lead = make_lead(session, api.workspace, email="many@example.com")
    first = arrive(api, email="many@example.com", city="Lima")
    second = arrive(api, email="many@example.com", title="CMO")
    listed = api.get(f"{LEADS}/{lead.id}/merges").json()["items"]
    assert [m["id"] for m in listed] == [second.json()["merge_id"], first.json()["merge_id"]]
    assert listed[0]["changes"] == {"title": [None, "CMO"]}


# --- Undoing a merge ------------------------------------------------------------------------


@pytest.fixture
def merged_by_phone(api, session) -> dict[str, Any]:
    lead = make_lead(session, api.workspace, phone="(415) 555-2671", full_name="Ravi Shah")
    merge = arrive(
        api, phone="+1 415-555-2671", email="ravi@shah.dev", title="CTO", city="Pune",
        custom_fields={"plan": "pro"},
    ).json()  # fmt: skip
    return {"lead_id": lead.id, "merge_id": merge["merge_id"]}


def test_undo_splits_the_arrival_out_and_restores_the_lead(api, merged_by_phone):
    lead_id, merge_id = merged_by_phone["lead_id"], merged_by_phone["merge_id"]
    undone = api.post(f"/api/v1/merges/{merge_id}/undo")
    assert undone.status_code == 200, undone.text
    record = undone.json()
    assert record["undone_at"] is not None
    split_id = record["split_lead_id"]
    assert split_id not in (None, lead_id)
    restored = api.get(f"{LEADS}/{lead_id}").json()
    assert (restored["first_name"], restored["phone"]) == ("Ravi", "+14155552671")
    assert (restored["email"], restored["title"], restored["city"]) == (None, None, None)
    assert restored["custom_fields"] == {}
    split = api.get(f"{LEADS}/{split_id}").json()
    assert (split["email"], split["phone"]) == ("ravi@shah.dev", "+14155552671")
    assert (split["title"], split["city"]) == ("CTO", "Pune")
    assert split["custom_fields"] == {"plan": "pro"}
    assert split["first_name"] is None
    listed = api.get(f"{LEADS}/{lead_id}/merges").json()["items"]
    assert listed[0]["split_lead_id"] == split_id


def test_undo_is_recorded_on_both_timelines(api, merged_by_phone):
    lead_id, merge_id = merged_by_phone["lead_id"], merged_by_phone["merge_id"]
    split_id = api.post(f"/api/v1/merges/{merge_id}/undo").json()["split_lead_id"]
    for own, other in ((lead_id, split_id), (split_id, lead_id)):
        entry = api.get(f"{LEADS}/{own}/activities").json()["items"][0]
        assert entry["kind"] == "lead.merge_undone"
        assert entry["data"]["merge_id"] == merge_id
        assert entry["data"]["other_lead_id"] == other
    assert timeline_kinds(api, lead_id) == ["lead.merge_undone", "lead.merged", "lead.created"]
    assert timeline_kinds(api, split_id) == ["lead.merge_undone", "lead.created"]


def test_a_merge_is_undone_once(api, merged_by_phone):
    merge_id = merged_by_phone["merge_id"]
    assert api.post(f"/api/v1/merges/{merge_id}/undo").status_code == 200
    again = api.post(f"/api/v1/merges/{merge_id}/undo")
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")


def test_undoing_an_unknown_merge_is_not_found(api):
    response = api.post("/api/v1/merges/424242/undo")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_undo_leaves_what_a_person_edited_since(api, merged_by_phone):
    lead_id, merge_id = merged_by_phone["lead_id"], merged_by_phone["merge_id"]
    api.patch(f"{LEADS}/{lead_id}", json={"city": "Mumbai"})
    api.post(f"/api/v1/merges/{merge_id}/undo")
    restored = api.get(f"{LEADS}/{lead_id}").json()
    assert restored["city"] == "Mumbai"
    assert restored["title"] is None


@pytest.fixture
def undone_email_merge(api, session) -> dict[str, Any]:
    lead = make_lead(session, api.workspace, email="dana@example.com", full_name="Dana Kim")
    merge = arrive(api, email="DANA@example.com", title="VP Sales", city="Seoul").json()
    undone = api.post(f"/api/v1/merges/{merge['merge_id']}/undo").json()
    return {"lead_id": lead.id, "split_id": undone["split_lead_id"]}


def test_an_undone_email_merge_leaves_the_mailbox_with_the_original(api, undone_email_merge):
    lead_id, split_id = undone_email_merge["lead_id"], undone_email_merge["split_id"]
    split = api.get(f"{LEADS}/{split_id}")
    assert split.status_code == 200
    assert split.json()["email"] == "DANA@example.com"
    assert (split.json()["title"], split.json()["city"]) == ("VP Sales", "Seoul")
    assert api.get(f"{LEADS}/{lead_id}").json()["title"] is None
    again = arrive(api, email="dana@example.com", title="Director")
    assert again.status_code == 200
    assert again.json()["lead"]["id"] == lead_id


def test_a_split_lead_can_be_edited(api, undone_email_merge):
    response = api.patch(f"{LEADS}/{undone_email_merge['split_id']}", json={"stage": "failed"})
    assert response.status_code == 200, response.text
