"""Services suggested from a business's own documents: the items and sub-headings under its
services, prices or packages sections (English or Arabic), each once, twelve at most, from its
workspace's knowledge only."""

from __future__ import annotations

from types import SimpleNamespace

from leadflow.knowledge import offerings
from tests.builders import Api, make_api_key, make_workspace, settle_jobs
from tests.knowledge.support import make_knowledge_base

URL = "/api/v1/workspace/agent/suggestions"
CLINIC = """# Bright Smile Dental Clinic

We are a family dental clinic in Dubai Marina, open since 2009.

## Our services

We offer the following treatments.

- Teeth whitening: from 900 AED
- Dental implants — a permanent fix for a missing tooth
- Root canal treatment

### Orthodontics

Braces and clear aligners for teenagers and adults.

## Prices

| Package | Price |
|---|---|
| Family check-up | 600 AED |
| Teeth whitening | 900 AED |

## Contact us

Call 04 123 4567 or write to hello@brightsmile.example.
"""
INSPECTION = """# شركة الفحص الدقيق

نفحص المنازل في الرياض منذ عشر سنوات.

## خدماتنا

- فحص المنزل قبل الشراء: ٢٠٠٠ ريال
- فحص العزل الحراري

## تواصل معنا

اتصل بنا على الرقم الموحد.
"""
MANY = "# Catalogue\n\n## What we offer\n\n" + "".join(f"- Service number {i}\n" for i in range(20))


def _upload(api: Api, kb_id: int, name: str, markdown: str) -> None:
    sent = api.post(
        f"/api/v1/knowledge/bases/{kb_id}/documents",
        files={"file": (name, markdown.encode(), "text/markdown")},
    )
    assert sent.status_code == 202, sent.text


def test_services_are_read_from_the_headed_sections_of_the_business_s_documents(api):
    kb = make_knowledge_base(api)
    _upload(api, kb["id"], "clinic.md", CLINIC)
    _upload(api, kb["id"], "inspection.md", INSPECTION)
    faq = {"question": "Our services?", "answer": "Ask us about veneers."}
    assert api.post(f"/api/v1/knowledge/bases/{kb['id']}/faqs", json=faq).status_code < 300
    settle_jobs()
    shown = api.get(URL)
    assert shown.status_code == 200, shown.text
    suggested = shown.json()["services"]
    assert suggested[:5] == [
        "Teeth whitening", "Dental implants", "Root canal treatment", "Orthodontics",
        "Family check-up",
    ]  # fmt: skip
    assert suggested[5:] == ["فحص المنزل قبل الشراء", "فحص العزل الحراري"]
    assert not {"Package", "Contact us", "Veneers"} & set(suggested)  # a heading, an FAQ


def test_at_most_twelve_and_none_from_another_workspace(api, client, session):
    kb = make_knowledge_base(api)
    _upload(api, kb["id"], "catalogue.md", MANY)
    settle_jobs()
    assert api.get(URL).json()["services"] == [f"Service number {i}" for i in range(12)]
    other = make_workspace(session)
    other_api = Api(client, make_api_key(session, other), other)
    assert other_api.get(URL).json() == {"services": []}


def test_a_chunk_s_heading_path_names_its_section_where_it_is_kept(monkeypatch, session):
    services = "Clinic \u203a Our services"
    chunks = [
        SimpleNamespace(text="Saves the tooth.", section=f"{services} \u203a Endodontics"),
        SimpleNamespace(text="Veneers\n\nThin shells.", section="Clinic \u203a Treatments"),
        SimpleNamespace(text="Parking\n\nFree.", section="Clinic \u203a Getting here"),
        SimpleNamespace(text="Whitening\n\nAt home.", section=None),  # written before the path
    ]
    monkeypatch.setattr(offerings.repository, "written_chunks", lambda *_, **__: chunks)
    assert offerings.suggest_services(session, 1) == ["Endodontics", "Veneers"]
