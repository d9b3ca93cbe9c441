"""The Knowledge pages: knowledge bases made and listed, documents and FAQs added through the
same services the API uses, their ingestion watched, and a search tried."""

from __future__ import annotations

import re

import pytest

from leadflow.config import get_settings
from leadflow.dashboard import i18n
from leadflow.models import DocumentStatus
from tests.builders import make_workspace, settle_jobs, unique
from tests.dashboard.support import Browser, make_person, screenshot

BROCHURE = """# Hittin Gardens

Hittin Gardens is a gated compound of forty villas in the north of Riyadh. Every villa has
four bedrooms, a private pool and a garden of three hundred square metres.

## Payment

Buyers pay ten percent on signing and the rest over five years with no interest.
"""


@pytest.fixture
def browser(client, workspace) -> Browser:
    return Browser(client, make_person(workspace))


def created(browser: Browser, name: str | None = None) -> int:
    answer = browser.post(
        "/knowledge", data={"name": name or unique("Villas "), "description": "Our compounds"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def upload(browser: Browser, kb_id: int, name: str, content: bytes, media_type: str):
    return browser.post(
        f"/knowledge/{kb_id}/documents", files={"file": (name, content, media_type)},
        follow_redirects=False,
    )  # fmt: skip


def add_faq(browser: Browser, kb_id: int, question: str, answer: str):
    return browser.post(
        f"/knowledge/{kb_id}/faqs", data={"question": question, "answer": answer},
        follow_redirects=False,
    )  # fmt: skip


def statuses(html: str) -> list[str]:
    return re.findall(r'data-document-id="\d+" data-status="(\w+)"', html)


def test_a_knowledge_base_is_created_and_listed(browser):
    name = unique("Compounds ")
    kb_id = created(browser, name)

    listing = browser.get("/knowledge")
    page = browser.get(f"/knowledge/{kb_id}")

    assert listing.status_code == 200
    assert f'href="/knowledge/{kb_id}" dir="auto">{name}</a>' in listing.text
    assert page.status_code == 200
    assert f'<h1 class="h4 mb-1" dir="auto">{name}</h1>' in page.text
    assert "Nothing here yet" in page.text


def test_a_second_knowledge_base_of_the_same_name_or_none_is_refused(browser):
    name = unique("Compounds ")
    created(browser, name)

    again = browser.post("/knowledge", data={"name": name})
    nameless = browser.post("/knowledge", data={"name": "   "})

    assert again.status_code == 409
    assert "exists already" in again.text
    assert nameless.status_code == 400
    assert "Please check: Name." in nameless.text


def test_an_uploaded_document_is_ingested_while_the_page_watches(browser):
    kb_id = created(browser)

    answer = upload(browser, kb_id, "hittin-gardens.md", BROCHURE.encode(), "text/markdown")
    queued = browser.get(f"/knowledge/{kb_id}")

    assert answer.headers["location"] == f"/knowledge/{kb_id}"
    assert statuses(queued.text) == ["queued"]
    assert 'role="progressbar"' in queued.text
    assert f'hx-get="/knowledge/{kb_id}/documents" hx-trigger="every 1s"' in queued.text
    settle_jobs()
    ready = browser.get(f"/knowledge/{kb_id}/documents")
    assert ready.status_code == 200
    assert statuses(ready.text) == ["ready"]
    assert "hx-trigger" not in ready.text  # nothing left to watch
    assert "Hittin Gardens" in ready.text
    assert re.search(r"\d+ passages, \d+ tokens", ready.text)


def test_a_document_that_cannot_be_read_fails_with_its_reason(browser):
    kb_id = created(browser)
    upload(browser, kb_id, "tool.exe", b"MZ\x90\x00" + bytes(range(256)) * 4, "application/x-msdos")

    settle_jobs()
    page = browser.get(f"/knowledge/{kb_id}")

    assert statuses(page.text) == ["failed"]
    assert "leadflow reads PDF, Word (.docx), HTML, Markdown and plain text" in page.text


def test_an_faq_is_added_and_found_by_a_search(browser):
    kb_id = created(browser)
    question = "Can I pay for a villa in instalments?"
    answer = "Yes: ten percent on signing, then the rest over five years with no interest."
    assert add_faq(browser, kb_id, question, answer).status_code == 303
    upload(browser, kb_id, "hittin-gardens.md", BROCHURE.encode(), "text/markdown")
    settle_jobs()

    results = browser.get(f"/knowledge/{kb_id}/search", params={"q": "payment plan for villas"})
    inline = browser.get(f"/knowledge/{kb_id}", params={"q": "payment plan for villas"})

    assert results.status_code == 200
    assert 'data-testid="search-results"' in results.text
    assert question in results.text  # the source
    assert "ten percent on signing" in results.text  # the passage
    assert "passage 1" in results.text  # the position
    assert re.search(r"similarity 0\.\d\d", results.text)
    assert question in inline.text  # the same search without JavaScript


def test_a_search_with_nothing_close_says_so(browser):
    kb_id = created(browser)
    add_faq(browser, kb_id, "Do the villas have pools?", "Every villa has a private pool.")
    settle_jobs()

    results = browser.get(f"/knowledge/{kb_id}/search", params={"q": "quantum chromodynamics"})
    empty = browser.get(f"/knowledge/{kb_id}/search", params={"q": ""})

    assert "No passage is close enough" in results.text
    assert empty.status_code == 200
    assert "search-results" not in empty.text


def test_bad_documents_and_faqs_say_why(browser, monkeypatch):
    kb_id = created(browser)
    monkeypatch.setattr(get_settings(), "knowledge_max_document_bytes", 2048)

    empty = upload(browser, kb_id, "empty.md", b"", "text/markdown")
    too_large = upload(browser, kb_id, "big.md", b"word " * 1000, "text/markdown")
    no_file = browser.post(f"/knowledge/{kb_id}/documents", data={}, follow_redirects=False)
    no_answer = add_faq(browser, kb_id, "Is there a gym?", "  ")

    assert (empty.status_code, too_large.status_code, no_file.status_code) == (400, 413, 400)
    assert "the uploaded file is empty" in empty.text
    assert "uploads are limited to 2048 bytes" in too_large.text
    assert "Choose a document to upload." in no_file.text
    assert no_answer.status_code == 400
    assert "Please check: Answer." in no_answer.text
    assert statuses(browser.get(f"/knowledge/{kb_id}").text) == []


def test_changes_without_the_csrf_token_are_refused(client, browser):
    kb_id = created(browser)

    assert client.post("/knowledge", data={"name": unique("kb")}).status_code == 403
    assert (
        client.post(f"/knowledge/{kb_id}/faqs", data={"question": "q", "answer": "a"}).status_code
        == 403
    )
    files = {"file": ("a.md", b"# A", "text/markdown")}
    assert client.post(f"/knowledge/{kb_id}/documents", files=files).status_code == 403
    as_form = client.post(
        f"/knowledge/{kb_id}/documents", files=files, data={"csrf_token": browser.csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert as_form.status_code == 303


def test_another_workspaces_knowledge_base_is_not_found(client, session, browser):
    kb_id = created(browser)
    stranger = Browser(client, make_person(make_workspace(session)))

    for url in (f"/knowledge/{kb_id}", f"/knowledge/{kb_id}/documents",
                f"/knowledge/{kb_id}/search?q=villas"):  # fmt: skip
        answer = stranger.get(url)
        assert answer.status_code == 404, url
        assert "There is no such knowledge base in this workspace." in answer.text
    files = {"file": ("a.md", b"# A", "text/markdown")}
    assert stranger.post(f"/knowledge/{kb_id}/documents", files=files).status_code == 404
    faq = {"question": "Is it mine?", "answer": "No."}
    assert stranger.post(f"/knowledge/{kb_id}/faqs", data=faq).status_code == 404
    assert f"/knowledge/{kb_id}" not in stranger.get("/knowledge").text


def test_every_status_and_origin_has_words():
    words = i18n.catalogue()["en"]
    for status in DocumentStatus:
        assert f"knowledge.status.{status}" in words
    for origin in ("file", "url", "text", "faq"):
        assert f"knowledge.origin.{origin}" in words


@pytest.mark.slow
def test_in_a_browser_a_document_becomes_ready_and_a_search_finds_it(signed_in_page, tmp_path):
    from playwright.sync_api import expect

    page = signed_in_page
    page.get_by_role("link", name="Knowledge").click()
    page.get_by_label("Name").fill(unique("Villas "))
    page.get_by_role("button", name="Create").click()
    brochure = tmp_path / "hittin-gardens.md"
    brochure.write_text(BROCHURE, encoding="utf-8")
    page.get_by_label("Document", exact=True).set_input_files(brochure)
    page.get_by_role("button", name="Upload", exact=True).click()

    document = page.locator("[data-document-id]")
    expect(document).to_have_attribute("data-status", "ready", timeout=60_000)  # polled live
    page.get_by_label("Search this knowledge base").fill("Hittin Gardens payment")
    page.get_by_role("button", name="Search", exact=True).click()

    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("Hittin Gardens")
    expect(results).to_contain_text("ten percent on signing")
    assert "?q=" not in page.url  # answered in place by htmx, not by loading the page again
    print(screenshot(page, "knowledge"))
