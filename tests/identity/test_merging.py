"""plan_merge and reversal: an arrival fills a matched lead's blanks, and can be undone."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.identity.drafts import LeadDraft, draft_from_fields
from leadflow.identity.merging import FILLABLE_FIELDS, plan_merge, reversal

CONSENTS = ("unknown", "granted", "denied")


def stored_lead(**columns: Any) -> dict[str, Any]:
    """A lead's columns as the database holds them: blank unless given."""
    blank: dict[str, Any] = dict.fromkeys(
        (*FILLABLE_FIELDS, "email_key", "name_key", "company_id"), None
    )
    return {**blank, "consent_status": "unknown", "custom_fields": {}, **columns}


def arrival(custom_fields: dict[str, Any] | None = None, **fields: str) -> LeadDraft:
    return draft_from_fields(fields, region="US", custom_fields=custom_fields)


def applied(lead: dict[str, Any], changes: dict[str, list[Any]]) -> dict[str, Any]:
    return {**lead, **{name: after for name, (_, after) in changes.items()}}


# --- plan_merge -----------------------------------------------------------------------------


def test_an_arrival_fills_only_the_blanks() -> None:
    lead = stored_lead(email="jane@acme.com", email_key="jane@acme.com", city="")
    draft = arrival(email="jane.doe@acme.com", phone="(202) 555-0123", city="Boston")
    assert plan_merge(lead, draft, company_id=None) == {
        "phone": [None, "+12025550123"],
        "city": ["", "Boston"],
    }


def test_an_arrival_never_overwrites() -> None:
    lead = stored_lead(
        first_name="Jane", last_name="Doe", name_key="jane doe", phone="+12025550123",
        title="CEO", country="US", time_zone="America/New_York",
    )  # fmt: skip
    draft = arrival(
        first_name="Janet", last_name="Dough", phone="+1 202 555 0199", title="CTO",
        country="GB", time_zone="Europe/London",
    )  # fmt: skip
    assert plan_merge(lead, draft, company_id=None) == {}


def test_a_new_email_brings_its_key() -> None:
    changes = plan_merge(stored_lead(), arrival(email="J.Doe+x@Gmail.com"), company_id=None)
    assert changes == {
        "email": [None, "J.Doe+x@gmail.com"],
        "email_key": [None, "jdoe@gmail.com"],
    }


@pytest.mark.parametrize(
    ("lead", "fields", "name_key"),
    [
        ({}, {"first_name": "José", "last_name": "Núñez"}, "jose nunez"),
        ({"last_name": "Smith", "name_key": "smith"}, {"first_name": "John"}, "john smith"),
        (
            {"first_name": "John", "name_key": "john"},
            {"first_name": "Jack", "last_name": "Smith"},
            "john smith",
        ),
        ({"first_name": "", "last_name": "Smith"}, {"full_name": "Doe, Jane"}, "jane smith"),
    ],
)
def test_a_name_change_recomputes_the_name_key(
    lead: dict[str, Any], fields: dict[str, str], name_key: str
) -> None:
    before = stored_lead(**lead)
    changes = plan_merge(before, arrival(phone="+12025550123", **fields), company_id=None)
    assert changes["name_key"] == [before["name_key"], name_key]


def test_no_name_change_leaves_the_name_key() -> None:
    lead = stored_lead(first_name="John", last_name="Smith", name_key="john smith")
    changes = plan_merge(lead, arrival(full_name="Jack Smyth", phone="+12025550123"), None)
    assert "name_key" not in changes


@pytest.mark.parametrize(
    ("lead_company", "company_id", "change"),
    [(None, 7, [None, 7]), (3, 7, None), (None, None, None), (3, None, None)],
)
def test_the_company_is_set_only_when_the_lead_has_none(
    lead_company: int | None, company_id: int | None, change: list[int] | None
) -> None:
    changes = plan_merge(stored_lead(company_id=lead_company), LeadDraft(), company_id)
    assert changes.get("company_id") == change


@pytest.mark.parametrize(
    ("current", "incoming", "merged"),
    [
        ("unknown", "unknown", "unknown"),
        ("unknown", "granted", "granted"),
        ("unknown", "denied", "denied"),
        ("granted", "unknown", "granted"),
        ("granted", "granted", "granted"),
        ("granted", "denied", "denied"),
        ("denied", "unknown", "denied"),
        ("denied", "granted", "denied"),
        ("denied", "denied", "denied"),
        (None, "granted", "granted"),
        (None, "denied", "denied"),
    ],
)
def test_a_refusal_of_consent_always_stands(
    current: str | None, incoming: str, merged: str
) -> None:
    lead = stored_lead(consent_status=current)
    changes = plan_merge(lead, LeadDraft(consent_status=incoming), company_id=None)
    assert (applied(lead, changes)["consent_status"] or "unknown") == merged
    assert ("consent_status" in changes) == (merged != (current or "unknown"))


def test_custom_fields_only_add_new_keys() -> None:
    lead = stored_lead(custom_fields={"plan": "pro", "seats": 3})
    draft = LeadDraft(custom_fields={"plan": "free", "region": "emea"})
    assert plan_merge(lead, draft, company_id=None) == {
        "custom_fields": [
            {"plan": "pro", "seats": 3},
            {"plan": "pro", "seats": 3, "region": "emea"},
        ]
    }


def test_custom_fields_already_known_change_nothing() -> None:
    lead = stored_lead(custom_fields={"plan": "pro"})
    assert plan_merge(lead, LeadDraft(custom_fields={"plan": "free"}), company_id=None) == {}


# --- reversal -------------------------------------------------------------------------------


def test_reversal_restores_the_values_before_the_merge() -> None:
    lead = stored_lead(first_name="Jane", consent_status="granted", custom_fields={"a": 1})
    draft = arrival(
        {"b": 2}, email="jane@acme.com", last_name="Doe", phone="+12025550123", consent="no"
    )
    changes = plan_merge(lead, draft, company_id=9)
    undo = reversal(changes, applied(lead, changes))
    assert set(undo) == set(changes)
    assert {**applied(lead, changes), **undo} == lead


def test_reversal_skips_fields_edited_after_the_merge() -> None:
    lead = stored_lead(first_name="Jane")
    changes = plan_merge(lead, arrival(phone="+12025550123", city="Boston"), company_id=4)
    edited = {**applied(lead, changes), "city": "Cambridge"}
    assert reversal(changes, edited) == {"phone": None, "company_id": None}


def test_reversal_of_no_changes_is_empty() -> None:
    assert reversal({}, stored_lead(first_name="Jane")) == {}


# --- Properties over any lead and any arrival -----------------------------------------------

text_or_blank = st.none() | st.just("") | st.sampled_from(("Jane", "Doe", "x@acme.com", "+1"))
stored_leads = st.builds(
    stored_lead,
    **dict.fromkeys(FILLABLE_FIELDS, text_or_blank),
    consent_status=st.none() | st.sampled_from(CONSENTS),
    company_id=st.none() | st.integers(1, 5),
    custom_fields=st.dictionaries(st.sampled_from("abc"), st.integers(0, 3), max_size=3),
)
arrivals = st.builds(
    LeadDraft,
    **{
        name: st.none() | st.sampled_from(("Janet", "Dough", "y@acme.com"))
        for name in FILLABLE_FIELDS
    },
    email_key=st.none() | st.just("y@acme.com"),
    consent_status=st.sampled_from(CONSENTS),
    custom_fields=st.dictionaries(st.sampled_from("bcd"), st.integers(4, 6), max_size=3),
)


@settings(max_examples=300)
@given(lead=stored_leads, draft=arrivals, company_id=st.none() | st.integers(6, 9))
def test_plan_merge_only_fills_blanks_and_reversal_undoes_it(
    lead: dict[str, Any], draft: LeadDraft, company_id: int | None
) -> None:
    changes = plan_merge(lead, draft, company_id)
    for name in FILLABLE_FIELDS:
        incoming = getattr(draft, name)
        expected = [lead[name], incoming] if incoming is not None and not lead[name] else None
        assert changes.get(name) == expected
    for name, (before, _) in changes.items():
        assert before == lead[name]
    after = applied(lead, changes)
    refused = "denied" in (lead["consent_status"], draft.consent_status)
    assert (after["consent_status"] == "denied") == refused
    assert after["custom_fields"].items() >= lead["custom_fields"].items()
    assert {**after, **reversal(changes, after)} == lead


@settings(max_examples=300)
@given(lead=stored_leads, draft=arrivals, edited=st.sets(st.sampled_from(FILLABLE_FIELDS)))
def test_reversal_leaves_every_field_edited_since(
    lead: dict[str, Any], draft: LeadDraft, edited: set[str]
) -> None:
    changes = plan_merge(lead, draft, company_id=None)
    after = {**applied(lead, changes), **dict.fromkeys(edited, "edited by a person")}
    assert set(reversal(changes, after)) == set(changes) - edited
