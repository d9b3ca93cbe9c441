"""A page with nothing to show says what will appear there and how to get it there, in English
and in Arabic; a filter that matches nothing says so and offers to clear it."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy.orm import Session

from leadflow.dashboard import i18n
from leadflow.knowledge.service import create_knowledge_base
from leadflow.models import Workspace
from tests.builders import make_lead
from tests.dashboard.support import Browser, make_person

# Each page, the explanation its empty state gives, and where its action leads.
EMPTY_PAGES = [
    ("/outbox", "outbox-empty", "outbox.empty.text", "/settings#providers"),
    ("/analytics", "analytics-empty", "analytics.empty.text", "/imports"),
    ("/knowledge", "knowledge-empty", "knowledge.bases.none", None),
    ("/imports", "imports-empty", "imports.past.none", None),
]
WORDS = {
    "en": {
        "outbox.empty.text": "Messages the agent and your team send appear here.",
        "analytics.empty.text": "once leads arrive",
        "knowledge.bases.none": "This workspace has no knowledge base yet.",
        "imports.past.none": "Each file you upload above appears here",
        "knowledge.documents.none": "The documents and FAQs the agent answers from appear here",
    },
    "ar": {
        "outbox.empty.text": "تظهر هنا الرسائل التي يرسلها الوكيل وفريقك.",
        "analytics.empty.text": "فور وصول العملاء المحتملين",
        "knowledge.bases.none": "لا توجد قاعدة معرفة في مساحة العمل هذه بعد.",
        "imports.past.none": "يظهر هنا كل ملف ترفعه أعلاه",
        "knowledge.documents.none": "تظهر هنا المستندات والأسئلة الشائعة التي يجيب منها الوكيل",
    },
}


def _browser(client, workspace: Workspace, language: str) -> Browser:
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": language})
    return browser


def _empty_state(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</div>\n", html.index('class="empty-state-text"', start))]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(("path", "testid", "key", "action"), EMPTY_PAGES)
def test_an_empty_page_explains_what_will_appear_and_how(
    client, workspace, language, path, testid, key, action
):
    page = _browser(client, workspace, language).get(path)
    assert page.status_code == 200
    state = _empty_state(page.text, testid)
    assert str(escape(i18n.translate(language, key))) in state
    assert WORDS[language][key] in state.replace("&#39;", "'")
    if action:
        assert f'href="{action}"' in state


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_knowledge_base_without_documents_explains_how_to_add_them(
    client, session: Session, workspace, language
):
    kb = create_knowledge_base(session, workspace_id=workspace.id, name="Compounds")
    session.commit()
    page = _browser(client, workspace, language).get(f"/knowledge/{kb.id}")
    state = _empty_state(page.text, "documents-empty")
    assert WORDS[language]["knowledge.documents.none"] in state


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_search_that_matches_nothing_says_so_and_offers_to_clear_it(client, workspace, language):
    page = _browser(client, workspace, language).get("/outbox", params={"q": "no such words"})
    state = _empty_state(page.text, "outbox-empty")
    assert i18n.translate(language, "outbox.no_match.title") in state
    assert f'href="/outbox">{i18n.translate(language, "outbox.no_match.clear")}</a>' in state
    assert i18n.translate(language, "outbox.empty.text") not in state


def test_analytics_with_leads_draws_its_charts_instead(client, session, workspace):
    make_lead(session, workspace)
    page = _browser(client, workspace, "en").get("/analytics")
    assert 'data-testid="analytics-empty"' not in page.text
    assert '<canvas id="chart-funnel"' in page.text
