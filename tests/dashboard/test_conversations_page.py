"""The conversations inbox: who waits on a person, oldest first, with how long, why and the
last word; the All and Mine tabs; taking a conversation over from the list; in Arabic too."""

from __future__ import annotations

import re

from leadflow.db import unit_of_work
from leadflow.events.service import record
from leadflow.models import Conversation, User
from tests.builders import make_conversation, make_lead, make_workspace
from tests.dashboard.support import Browser, make_person


def _rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-conversation-id="(\d+)"', html)]


def _handed_off(session, workspace, **lead_fields) -> Conversation:
    lead = make_lead(session, workspace, **lead_fields)
    conversation = make_conversation(
        session, lead, ("in", "Can I speak to someone about the villa?", 45),
        ("out", "Of course, a colleague will write to you shortly.", 45), handled_by="person",
    )  # fmt: skip
    with unit_of_work() as writer:
        record(
            writer, workspace.id, "conversation.handoff", lead_id=lead.id,
            conversation_id=conversation.id, channel="sms", reason="asked for a person",
        )  # fmt: skip
    return conversation


def test_the_inbox_lists_who_waits_on_a_person_oldest_first(client, session, workspace):
    handed_off = _handed_off(session, workspace, first_name="Nadia", email="nadia@example.com")
    unanswered = make_conversation(
        session, make_lead(session, workspace, first_name="Omar", email="omar@example.com"),
        ("in", "Is the price negotiable? " + "x" * 200, 120), channel="email",
    )  # fmt: skip
    answered = make_conversation(
        session, make_lead(session, workspace), ("in", "Hours?", 20), ("out", "9 to 5", 19)
    )
    make_conversation(session, make_lead(session, make_workspace(session)), ("in", "x", 300))
    browser = Browser(client, make_person(workspace))

    page = browser.get("/conversations")
    assert page.status_code == 200
    assert _rows(page.text) == [unanswered.id, handed_off.id]
    text = page.text
    assert "Nadia" in text
    assert "Omar" in text
    assert f'href="/leads/{handed_off.lead_id}#conversation-{handed_off.id}"' in text
    assert "Asked for a person" in text
    assert "Of course, a colleague will write to you shortly." in text
    assert "x" * 200 not in text  # the last message is cut short
    assert "2 hours ago" in text
    assert "45 minutes ago" in text
    assert 'hx-trigger="every 10s"' in text
    assert 'aria-current="page" href="/conversations"' in text  # in the nav

    everything = browser.get("/conversations", params={"tab": "all"})
    assert set(_rows(everything.text)) == {handed_off.id, unanswered.id, answered.id}
    rows = browser.get("/conversations/rows", params={"tab": "needs"})
    assert _rows(rows.text) == [unanswered.id, handed_off.id]
    assert "<html" not in rows.text


def test_mine_and_an_empty_list_say_so(client, session, workspace):
    email = make_person(workspace)
    browser = Browser(client, email)
    empty = browser.get("/conversations", params={"tab": "mine"})
    assert 'data-testid="conversations-empty"' in empty.text
    me = session.query(User).filter_by(email=email).one()
    lead = make_lead(session, workspace)
    lead.owner_id = me.id
    session.commit()
    mine = make_conversation(session, lead, ("in", "Hello", 1))
    make_conversation(session, make_lead(session, workspace), ("in", "Someone else's", 1))
    assert _rows(browser.get("/conversations", params={"tab": "mine"}).text) == [mine.id]
    assert browser.get("/conversations", params={"tab": "yours"}).status_code == 422


def test_taking_over_from_the_list_takes_it_off_the_waiting_list(client, session, workspace):
    handed_off = _handed_off(session, workspace)
    browser = Browser(client, make_person(workspace))
    taken = browser.post(f"/conversations/{handed_off.id}/takeover", follow_redirects=False)
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/leads/{handed_off.lead_id}#conversation-{handed_off.id}"
    session.expire_all()
    conversation = session.get(Conversation, handed_off.id)
    assert conversation.taken_over_by is not None
    assert conversation.handled_by == "person"
    assert _rows(browser.get("/conversations").text) == []
    other = make_conversation(session, make_lead(session, make_workspace(session)), ("in", "x", 9))
    assert browser.post(f"/conversations/{other.id}/takeover").status_code == 404
    assert browser.post("/conversations/nope/takeover").status_code == 404
    unsigned = browser.client.post(f"/conversations/{handed_off.id}/takeover")
    assert unsigned.status_code == 403


def test_the_inbox_speaks_arabic(client, session, workspace):
    _handed_off(session, workspace, first_name="نادية", email="nadia.ar@example.com")
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": "ar"})
    page = browser.get("/conversations").text
    assert '<html lang="ar" dir="rtl">' in page
    for words in ("المحادثات", "بحاجة إلى شخص", "طلب التحدث إلى شخص", "تولَّ المحادثة", "نادية",
                  "فتح العميل", "رسائل نصية"):  # fmt: skip
        assert words in page, words
    assert "Needs a person" not in page
    waited = re.search(r'data-testid="waiting">([^<]*)<', page).group(1)
    assert waited.startswith("قبل")
    assert "ago" not in waited
