"""A lead's qualification is merged from what each source claims, field by field: a person's
word is never overwritten by the agent's reading; among sources of one rank the newer claim
stands; taking a claim back lets the others speak again. The API and the lead's page show
where each field came from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadflow.leads.qualification import QualificationSource, claim, sources, states, withdraw
from leadflow.models import Lead
from tests.builders import settle_jobs
from tests.conversations.support import connect_twilio, lead_by_phone, twilio_message
from tests.dashboard.support import Browser, make_person

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PERSON, CONVERSATION = QualificationSource.person, QualificationSource.conversation


def budget(amount: str) -> dict[str, object]:
    return {"budget": {"amount": amount, "currency": "SAR", "amount_min": None, "evidence": None}}


def blank_lead() -> Lead:
    return Lead(qualification={}, qualification_claims={})


def test_a_persons_word_stands_over_the_conversations_newer_reading():
    lead = blank_lead()
    claim(lead, CONVERSATION, budget("1000000"), by="agent:rules", at=T0)
    claim(lead, PERSON, budget("500000"), by="api", at=T0 + timedelta(hours=1))
    changed = claim(lead, CONVERSATION, budget("2000000"), by="agent:rules", at=T0 + timedelta(2))

    assert changed == []
    assert lead.qualification["budget"]["amount"] == "500000"
    assert sources(lead.qualification_claims)["budget"]["source"] == "person"
    assert withdraw(lead, PERSON, ["budget"]) == ["budget"]
    assert lead.qualification["budget"]["amount"] == "2000000"  # the conversation's, kept


def test_among_equals_the_newer_claim_stands_and_a_repeat_keeps_its_first_time():
    lead = blank_lead()
    claim(lead, CONVERSATION, budget("1000000"), by="pipeline:llm", at=T0)
    claim(lead, CONVERSATION, budget("3000000"), by="agent:rules", at=T0 + timedelta(hours=1))
    assert lead.qualification["budget"]["amount"] == "3000000"
    claim(lead, CONVERSATION, budget("3000000"), by="agent:rules", at=T0 + timedelta(days=1))
    kept = sources(lead.qualification_claims)["budget"]
    assert (kept["by"], kept["at"]) == ("agent:rules", (T0 + timedelta(hours=1)).isoformat())


def test_an_import_outranks_the_conversation_however_old():
    lead = blank_lead()
    claim(lead, QualificationSource.imported, budget("700000"), by="import:3", at=T0)
    claim(lead, CONVERSATION, budget("900000"), by="agent:rules", at=T0 + timedelta(days=30))
    assert lead.qualification["budget"]["amount"] == "700000"


def test_a_field_with_nothing_stated_is_no_claim():
    lead = blank_lead()
    said = {"budget": {"amount": None, "currency": None, "evidence": "some words"},
            "service_interest": [], "urgency": {"level": "high", "evidence": None}}  # fmt: skip
    assert claim(lead, CONVERSATION, said, by="agent:rules", at=T0) == ["urgency"]
    assert set(lead.qualification) == {"urgency"}
    assert not states("budget", said["budget"])


def test_a_persons_budget_survives_the_agent_and_the_api_says_where_each_field_came_from(api):
    connect_twilio(api)
    twilio_message(
        api, "+966506660000", "My budget is 2 million riyals, we want to buy by next month"
    )
    settle_jobs()
    lead = lead_by_phone(api.workspace.id, "+966506660000")
    url = f"/api/v1/leads/{lead.id}"
    read = api.get(url).json()
    assert read["qualification"]["budget"]["amount"] == "2000000"
    assert read["qualification_sources"]["budget"]["source"] == "conversation"

    edited = api.patch(
        url, json={"qualification": {"budget": {"amount": 900000, "currency": "sar"}}}
    )
    assert edited.status_code == 200, edited.text
    twilio_message(api, "+966506660000", "Actually my budget is 3 million riyals")
    settle_jobs()

    read = api.get(url).json()
    assert read["qualification"]["budget"] == {
        "amount": "900000", "amount_min": None, "currency": "SAR", "evidence": None,
    }  # fmt: skip
    by_field = read["qualification_sources"]
    assert (by_field["budget"]["source"], by_field["budget"]["by"]) == ("person", "api")
    assert by_field["timeline"]["source"] == "conversation"
    assert by_field["timeline"]["by"] == "agent:rules"
    assert read["qualification"]["timeline"]["relative"] == "next month"

    taken_back = api.patch(url, json={"qualification": {"budget": None}}).json()
    assert taken_back["qualification"]["budget"]["amount"] == "3000000"
    assert taken_back["qualification_sources"]["budget"]["source"] == "conversation"


def test_a_persons_edit_is_checked(api, session):
    created = api.post("/api/v1/leads", json={"email": "q@example.com"}).json()["lead"]
    url = f"/api/v1/leads/{created['id']}"
    for wrong in ({"budget": {"amount": -5}}, {"budget": {"currency": "riyals"}},
                  {"urgency": {"level": "urgent"}}, {"mood": "happy"}):  # fmt: skip
        assert api.patch(url, json={"qualification": wrong}).status_code == 422, wrong
    assert api.get(url).json()["qualification"] == {}


def test_the_lead_page_shows_each_fields_source_and_takes_a_persons_word(api, client, session):
    connect_twilio(api)
    twilio_message(api, "+966507770000", "My budget is 2 million riyals")
    settle_jobs()
    lead = lead_by_phone(api.workspace.id, "+966507770000")
    email = make_person(api.workspace)
    browser = Browser(client, email)

    page = browser.get(f"/leads/{lead.id}").text
    assert 'data-testid="qualification-budget" data-source="conversation"' in page
    assert "read from the conversation" in page
    form = {"budget_amount": "1500000", "budget_currency": "SAR", "urgency_level": "high"}
    saved = browser.post(f"/leads/{lead.id}/qualification", data=form, follow_redirects=False)
    assert saved.status_code == 303

    page = browser.get(f"/leads/{lead.id}").text
    assert 'data-testid="qualification-budget" data-source="person"' in page
    assert "SAR\u00a01,500,000" in page
    assert "set by a person · " in page
    assert f"person:{email}" in page
    browser.post("/language", data={"language": "ar"})
    arabic = browser.get(f"/leads/{lead.id}").text
    assert "حدّده شخص" in arabic
    assert "مرتفع" in arabic
    wrong = browser.post(f"/leads/{lead.id}/qualification", data={"budget_amount": "lots"})
    assert wrong.status_code == 422


def test_the_api_and_the_lead_page_show_the_leads_words_for_each_field(api, client):
    connect_twilio(api)
    twilio_message(
        api,
        "+966508880000",
        "I'm the owner. We need a new villa with a garden. Budget around 800k SAR. "
        "Handover is in about 3 weeks, no rush.",
    )
    settle_jobs()
    lead = lead_by_phone(api.workspace.id, "+966508880000")
    read = api.get(f"/api/v1/leads/{lead.id}").json()["qualification"]
    said = {
        field: read[field]["evidence"]
        for field in ("budget", "authority", "need", "timeline", "urgency")
    }
    assert said == {
        "budget": "Budget around 800k SAR",
        "authority": "I'm the owner",
        "need": "We need a new villa with a garden",
        "timeline": "Handover is in about 3 weeks, no rush",
        "urgency": "Handover is in about 3 weeks, no rush",
    }
    assert read["budget"]["amount"] == "800000"
    assert read["timeline"]["relative"] == "in about 3 weeks"
    assert read["urgency"]["level"] == "low"

    browser = Browser(client, make_person(api.workspace))
    page = browser.get(f"/leads/{lead.id}").text
    for field, words in said.items():
        assert f'data-testid="qualification-{field}-evidence">In their words: ' in page, field
        assert f'<q class="fst-italic" dir="auto">{words.replace(chr(39), "&#39;")}</q>' in page
    browser.post("/language", data={"language": "ar"})
    assert "بكلمات العميل:" in browser.get(f"/leads/{lead.id}").text
