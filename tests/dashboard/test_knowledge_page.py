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
    assert f'<span dir="auto">{name}</span></h1>' in page.text
    assert "No documents yet" in page.text
    assert "The documents and FAQs the agent answers from appear here" in page.text


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


def document_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-document-id="(\d+)"', html)]


def test_a_document_page_shows_what_it_is_and_its_passages_in_order(browser):
    kb_id = created(browser)
    upload(browser, kb_id, "hittin-gardens.md", BROCHURE.encode(), "text/markdown")
    settle_jobs()
    (document_id,) = document_ids(browser.get(f"/knowledge/{kb_id}/documents").text)

    listing = browser.get(f"/knowledge/{kb_id}")
    page = browser.get(f"/knowledge/{kb_id}/documents/{document_id}")

    assert f'href="/knowledge/{kb_id}/documents/{document_id}"' in listing.text
    assert page.status_code == 200
    assert "Hittin Gardens" in page.text
    assert "Read as markdown" in page.text
    assert 'data-status="ready"' in page.text
    positions = [int(p) for p in re.findall(r'id="chunk-(\d+)" data-position', page.text)]
    assert positions
    assert positions == list(range(len(positions)))
    assert "passage 1" in page.text
    assert re.search(r"\d+ tokens", page.text)
    assert "gated compound of forty villas" in page.text
    assert 'data-testid="edit-form"' not in page.text  # a file is uploaded again instead
    assert "upload it again under the same name" in page.text


def test_a_long_documents_passages_come_a_page_at_a_time(browser, monkeypatch):
    from leadflow.dashboard import knowledge_page

    monkeypatch.setattr(knowledge_page, "CHUNKS_SHOWN", 4)
    kb_id = created(browser)
    body = "\n\n".join(f"Paragraph {i} about villas and gardens." for i in range(600))
    upload(browser, kb_id, "long.txt", body.encode(), "text/plain")
    settle_jobs()
    (document_id,) = document_ids(browser.get(f"/knowledge/{kb_id}/documents").text)
    url = f"/knowledge/{kb_id}/documents/{document_id}"

    first = browser.get(url)
    second = browser.get(url, params={"start": 4})

    assert re.findall(r'id="chunk-(\d+)"', first.text) == ["0", "1", "2", "3"]
    assert f'href="{url}?start=4"' in first.text
    assert re.findall(r'id="chunk-(\d+)"', second.text) == ["4", "5", "6", "7"]
    assert "Earlier passages" in second.text


def test_an_faq_is_edited_from_its_page_and_read_again(browser):
    kb_id = created(browser)
    add_faq(browser, kb_id, "Do the villas have pools?", "Some of them.")
    settle_jobs()
    (document_id,) = document_ids(browser.get(f"/knowledge/{kb_id}/documents").text)
    url = f"/knowledge/{kb_id}/documents/{document_id}"
    form = browser.get(url).text
    assert 'data-testid="edit-form"' in form
    assert 'value="Do the villas have pools?"' in form
    assert ">Some of them.</textarea>" in form

    saved = browser.post(
        url, data={"question": "Do the villas have pools?", "answer": "Every villa has a pool."},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    assert saved.headers["location"] == url
    assert 'data-status="queued"' in browser.get(url).text
    settle_jobs()
    page = browser.get(url)
    assert 'data-status="ready"' in page.text
    assert "A: Every villa has a pool." in page.text
    assert "Some of them." not in page.text


def test_a_text_is_edited_from_its_page(browser, api):
    kb_id = created(browser)
    # A text comes in through the API (the browser's workspace is the API key's).
    queued = api.post(
        f"/api/v1/knowledge/bases/{kb_id}/documents/text",
        json={"title": "Parking", "text": "Two places per villa."},
    )  # fmt: skip
    settle_jobs()
    url = f"/knowledge/{kb_id}/documents/{queued.json()['id']}"
    assert 'name="title"' in browser.get(url).text

    saved = browser.post(
        url, data={"title": "Parking and guests", "text": "Two places, and one for guests."},
        follow_redirects=False,
    )  # fmt: skip
    settle_jobs()

    assert saved.status_code == 303
    page = browser.get(url).text
    assert 'data-testid="document-title">Parking and guests</h1>' in page
    assert "and one for guests." in page


def test_a_bad_edit_says_why_and_keeps_what_was_typed(browser):
    kb_id = created(browser)
    add_faq(browser, kb_id, "Is there a gym?", "Yes.")
    add_faq(browser, kb_id, "Is there parking?", "Two places.")
    settle_jobs()
    gym, parking = sorted(document_ids(browser.get(f"/knowledge/{kb_id}/documents").text))

    blank = browser.post(
        f"/knowledge/{kb_id}/documents/{gym}", data={"question": "Is there a gym?", "answer": " "}
    )
    clash = browser.post(
        f"/knowledge/{kb_id}/documents/{parking}",
        data={"question": "is there a GYM?", "answer": "Typed here."},
    )

    assert blank.status_code == 400
    assert "Please check: Answer." in blank.text
    assert clash.status_code == 409
    assert "has that question already" in clash.text
    assert ">Typed here.</textarea>" in clash.text
    assert "A: Two places." in clash.text  # the passages as they were


def test_a_document_is_deleted_after_asking(browser):
    kb_id = created(browser)
    add_faq(browser, kb_id, "Do you rent cars?", "No.")
    settle_jobs()
    (document_id,) = document_ids(browser.get(f"/knowledge/{kb_id}/documents").text)
    url = f"/knowledge/{kb_id}/documents/{document_id}"
    page = browser.get(url).text
    assert 'data-testid="delete"' in page
    assert "This cannot be undone." in page
    assert f'action="{url}/delete"' in page

    deleted = browser.post(f"{url}/delete", follow_redirects=False)

    assert deleted.status_code == 303
    assert deleted.headers["location"] == f"/knowledge/{kb_id}"
    assert document_ids(browser.get(f"/knowledge/{kb_id}/documents").text) == []
    assert browser.get(url).status_code == 404


def test_search_results_say_which_passage_matched_and_how(browser):
    kb_id = created(browser)
    add_faq(browser, kb_id, "Can I pay in instalments?", "Yes: ten percent on signing.")
    settle_jobs()
    (document_id,) = document_ids(browser.get(f"/knowledge/{kb_id}/documents").text)

    results = browser.get(f"/knowledge/{kb_id}/search", params={"q": "pay in instalments"})

    assert f'href="/knowledge/{kb_id}/documents/{document_id}#chunk-0"' in results.text
    assert "by meaning" in results.text
    assert "by keywords" in results.text
    assert re.search(r"similarity 0\.\d\d", results.text)
    assert "ten percent on signing" in results.text
    assert 'data-testid="hit-section"' not in results.text  # none before retrieval gives one


def test_search_results_show_a_hits_section_and_answer_when_retrieval_gives_them(
    browser, monkeypatch
):
    from dataclasses import dataclass

    from leadflow.dashboard import knowledge_page
    from leadflow.knowledge.search import SearchHit

    @dataclass(frozen=True)
    class SectionedHit(SearchHit):
        section: str | None = None
        answer: str = ""

    kb_id = created(browser)
    hit = SectionedHit(
        chunk_id=1, knowledge_base_id=kb_id, document_id=7, source="Price list", title=None,
        origin="text", position=250, page=3, text="Villas from two million riyals.",
        score=1.0, similarity=0.91, cosine=0.82, matched_by=("keywords",),
        section="Prices \u203a Villas", answer="Villas from two million riyals.",
    )  # fmt: skip
    monkeypatch.setattr(knowledge_page, "search", lambda *args, **kwargs: [hit])

    results = browser.get(f"/knowledge/{kb_id}/search", params={"q": "villa price"})

    assert "Section: Prices \u203a Villas" in results.text
    assert 'data-testid="hit-answer"' in results.text
    assert f'href="/knowledge/{kb_id}/documents/7?start=200#chunk-250"' in results.text
    assert "page 3" in results.text
    assert "by keywords" in results.text
    assert "by meaning" not in results.text


def test_another_workspaces_document_is_not_found_on_the_dashboard(client, session, browser):
    kb_id = created(browser)
    add_faq(browser, kb_id, "Secret?", "Yes.")
    settle_jobs()
    (document_id,) = document_ids(browser.get(f"/knowledge/{kb_id}/documents").text)
    url = f"/knowledge/{kb_id}/documents/{document_id}"
    other_kb = created(browser)
    assert browser.get(f"/knowledge/{other_kb}/documents/{document_id}").status_code == 404
    stranger = Browser(client, make_person(make_workspace(session)))

    assert stranger.get(url).status_code == 404
    assert "There is no such document" in stranger.get(url).text
    assert stranger.post(url, data={"question": "Secret?", "answer": "No."}).status_code == 404
    assert stranger.post(f"{url}/delete").status_code == 404


def test_document_changes_without_the_csrf_token_are_refused(client, browser):
    kb_id = created(browser)
    add_faq(browser, kb_id, "Kept?", "Yes.")
    settle_jobs()
    (document_id,) = document_ids(browser.get(f"/knowledge/{kb_id}/documents").text)
    url = f"/knowledge/{kb_id}/documents/{document_id}"

    assert client.post(url, data={"question": "Kept?", "answer": "No."}).status_code == 403
    assert client.post(f"{url}/delete").status_code == 403
    assert document_ids(browser.get(f"/knowledge/{kb_id}/documents").text) == [document_id]


@pytest.mark.slow
def test_in_a_browser_on_a_phone_a_hit_leads_to_its_document_which_is_edited_and_deleted(
    signed_in_page,
):
    from playwright.sync_api import expect

    page = signed_in_page
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/knowledge")
    page.get_by_label("Name").fill(unique("Villas "))
    page.get_by_role("button", name="Create").click()
    page.get_by_label("Question").fill("Can I pay for a villa in instalments over several years?")
    page.get_by_label("Answer").fill("Yes: ten percent on signing, the rest over five years.")
    page.get_by_role("button", name="Add the FAQ").click()
    expect(page.locator("[data-document-id]")).to_have_attribute(
        "data-status", "ready", timeout=60_000
    )

    page.get_by_label("Search this knowledge base").fill("Can I pay for a villa in instalments?")
    page.get_by_role("button", name="Search", exact=True).click()
    hit = page.get_by_test_id("search-hit")
    expect(hit).to_contain_text("ten percent on signing")
    expect(hit.get_by_test_id("matched-by").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    print(screenshot(page, "knowledge-search-phone"))

    hit.get_by_test_id("hit-document").click()
    expect(page.locator("#chunk-0")).to_contain_text("ten percent on signing")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Answer").fill("Yes: twenty percent on signing, the rest over a year.")
    page.get_by_role("button", name="Save and read again").click()
    expect(page.get_by_test_id("document-status")).to_have_attribute(
        "data-status", "ready", timeout=60_000
    )
    expect(page.locator("#chunk-0")).to_contain_text("twenty percent")
    print(screenshot(page, "knowledge-document-phone"))

    page.get_by_text("Delete…").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_text("No documents yet")).to_be_visible()
