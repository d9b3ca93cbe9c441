"""Settings → Sales stages: renamed, added, reordered and taken away from a form, through the
sales service; a refusal says why and keeps what was typed; Arabic shows built-in names in
Arabic."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from leadflow.db import get_sessionmaker
from leadflow.models import Workspace
from leadflow.sales import service as sales
from tests.dashboard.support import Browser, make_person

KEYS = ["new", "contacted", "qualified", "meeting", "won", "lost", "", ""]


def _labels(workspace: Workspace) -> list[str]:
    with get_sessionmaker(writes=False)() as session:
        fresh = session.get(Workspace, workspace.id)
        assert fresh is not None
        return [stage.label for stage in sales.stages_of(fresh)]


def test_the_stages_are_edited_in_the_order_numbered(client, workspace):
    browser = Browser(client, make_person(workspace))
    page = HTMLParser(browser.get("/settings/stages").text)
    assert len(page.css("[data-stage-row]")) == len(KEYS)  # six stages, two blank to add
    assert 'href="/settings/stages"' in browser.get("/settings").text
    form = {
        "key": KEYS,
        "name": ["Inbound", "", "", "", "Signed", "", "Proposal sent", ""],
        "order": ["1", "2", "3", "5", "6", "7", "4", "8"],
        "remove": ["qualified"],
    }
    saved = browser.post("/settings/stages", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _labels(workspace) == [
        "Inbound", "Contacted", "Proposal sent", "Meeting booked", "Signed", "Lost",
    ]  # fmt: skip


def test_a_refusal_says_why_and_keeps_what_was_typed(client, workspace):
    browser = Browser(client, make_person(workspace))
    form = {
        "key": KEYS, "name": ["", "", "", "", "", "", "Site visit", ""],
        "order": ["9", "2", "3", "4", "5", "6", "7", "8"],
    }  # fmt: skip
    refused = browser.post("/settings/stages", data=form)
    assert refused.status_code == 422
    assert "new stage comes first" in refused.text
    assert 'value="Site visit"' in refused.text
    assert _labels(workspace)[0] == "New"
    forged = client.post("/settings/stages", data=form)
    assert forged.status_code == 403


def test_in_arabic_the_built_in_names_are_arabic(client, workspace):
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": "ar"})
    page = browser.get("/settings/stages").text
    assert "مراحل البيع" in page
    assert 'placeholder="تم التواصل"' in page
