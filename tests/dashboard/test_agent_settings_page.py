"""The settings page's agent section: the services and qualifying questions edited in both
languages through the workspace's service, refused in words with what was typed kept,
suggestions from the knowledge base filled in on one click, CSRF as everywhere."""

from __future__ import annotations

import re

from leadflow.dashboard import settings_page
from leadflow.db import get_sessionmaker
from leadflow.models import Workspace
from leadflow.workspaces import questions
from leadflow.workspaces.service import set_agent_settings
from tests.dashboard.support import Browser, make_person

FORM = {
    "services": "Pre-purchase inspection\n\n  Snagging  \n",
    "ask_location": "1", "order_location": "1", "en_location": "Where is the property?",
    "ar_location": "أين يقع العقار؟",
    "ask_service": "1", "order_service": "2", "en_service": "Which inspection do you need?",
    "ar_service": "",
    "order_budget": "3", "en_budget": "Not asked", "ar_budget": "",
    "ask_timeline": "1", "order_timeline": "", "en_timeline": "", "ar_timeline": "متى؟",
}  # fmt: skip


def _fresh(workspace: Workspace) -> Workspace:
    with get_sessionmaker(writes=False)() as session:
        found = session.get(Workspace, workspace.id)
        assert found is not None
        return found


def test_the_services_and_questions_are_saved_in_the_order_numbered(client, workspace):
    browser = Browser(client, make_person(workspace))
    page = browser.get("/settings")
    assert '<section id="agent"' in page.text
    assert 'href="#agent"' in page.text
    saved = browser.post("/settings/agent", data=FORM, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("/settings#agent")
    fresh = _fresh(workspace)
    assert questions.services(fresh) == ["Pre-purchase inspection", "Snagging"]
    assert questions.qualifying_questions(fresh) == {
        "location": {"en": "Where is the property?", "ar": "أين يقع العقار؟"},
        "service": {"en": "Which inspection do you need?", "ar": ""},
        "timeline": {"en": "", "ar": "متى؟"},  # unnumbered: after the numbered ones
    }
    shown = browser.get("/settings").text
    slots = re.findall(r'data-slot="(\w+)"', shown)
    assert slots == ["location", "service", "timeline", "budget"]
    assert 'name="ask_budget" value="1" id="ask-budget" >' in shown  # shown, not ticked
    assert 'value="أين يقع العقار؟"' in shown


def test_a_refusal_says_why_and_keeps_what_was_typed(client, session, workspace):
    set_agent_settings(session, workspace=session.merge(workspace), services=["Kept"], questions=[])
    session.commit()
    browser = Browser(client, make_person(workspace))
    typed = {**FORM, "services": "Snagging\nsnagging", "en_service": "x" * 301}
    refused = browser.post("/settings/agent", data=typed)
    assert refused.status_code == 422
    assert 'data-testid="settings-error"' in refused.text
    assert "listed twice" in refused.text
    assert "Where is the property?" in refused.text  # the person's words, to correct
    assert questions.services(_fresh(workspace)) == ["Kept"]
    both_empty = {**FORM, "en_service": "", "ar_service": ""}
    assert "English or Arabic" in browser.post("/settings/agent", data=both_empty).text


def test_a_change_without_the_csrf_token_is_refused(client, workspace):
    Browser(client, make_person(workspace))
    assert client.post("/settings/agent", data=FORM).status_code == 403
    assert questions.services(_fresh(workspace)) == []


def test_suggestions_are_offered_until_there_are_services_and_filled_in_on_one_click(
    client, session, workspace, monkeypatch
):
    asked: list[int] = []

    def suggested(_session, workspace_id: int) -> list[str]:
        asked.append(workspace_id)
        return ["Teeth whitening", "Orthodontics"]

    monkeypatch.setattr(settings_page, "suggest_services", suggested)
    browser = Browser(client, make_person(workspace))
    page = browser.get("/settings").text
    assert 'data-testid="service-suggestions"' in page
    assert 'href="/settings?suggested=1#agent"' in page
    assert re.search(r'name="services"[^>]*>\s*</textarea>', page)  # nothing filled in yet
    filled = browser.get("/settings?suggested=1").text
    assert 'data-testid="suggestions-filled"' in filled
    assert re.search(r'name="services"[^>]*>Teeth whitening\nOrthodontics</textarea>', filled)
    assert asked == [workspace.id, workspace.id]
    assert questions.services(_fresh(workspace)) == []  # nothing saved until the person does
    edited = {"services": "Teeth whitening\nInvisalign", "order_service": "1"}
    assert browser.post("/settings/agent", data=edited, follow_redirects=False).status_code == 303
    assert questions.services(_fresh(workspace)) == ["Teeth whitening", "Invisalign"]
    assert questions.qualifying_questions(_fresh(workspace)) == {}
    assert 'data-testid="service-suggestions"' not in browser.get("/settings").text


def test_the_section_speaks_arabic(client, workspace):
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": "ar"})
    page = browser.get("/settings").text
    for words in ("الوكيل: الخدمات والأسئلة", "الخدمات التي تقدمها", "أسئلة التأهيل", "بالعربية"):
        assert words in page
