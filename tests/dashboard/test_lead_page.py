"""The lead's page: what a salesperson reads about a lead (profile, company, the score and why,
the timeline, the conversation with the agent's decisions and the knowledge it cited), and what
they do there (take over, reply, hand back, undo a merge), each change guarded by CSRF and
each route closed to other workspaces."""

from __future__ import annotations

import asyncio
import re
import secrets
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from sqlalchemy import select

from leadflow.conversations.service import Inbound, receive
from leadflow.dashboard import formats
from leadflow.dashboard.lead_page import lead_events
from leadflow.dashboard.pages import Viewer
from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.events.stream import starting_point
from leadflow.models import Conversation, Lead, Message, User, UserSession, Workspace
from leadflow.models.base import utcnow
from tests.builders import make_lead, make_workspace, settle_jobs, unique
from tests.dashboard.support import Browser, make_person
from tests.knowledge.support import fill_with_the_agency, make_knowledge_base

QUESTION = "How much does a three-bedroom villa cost?"


def make_scored_lead(api: Any, **fields: Any) -> int:
    """A lead with a company, scored by an ideal-customer-profile rule of the workspace."""
    rules = [
        {"field": "industry", "operator": "in", "value": ["Real Estate"], "points": 30,
         "reason": "works in real estate"},
        {"field": "employee_count", "operator": "at_least", "value": 1000, "points": 15,
         "reason": "a company of 1,000 people or more"},
        {"field": "country", "operator": "not_in", "value": ["US"], "points": -10,
         "reason": "outside the United States"},
    ]  # fmt: skip
    for rule in rules:
        assert api.post("/api/v1/scoring/rules", json=rule).status_code == 201
    phone = f"+96650{secrets.randbelow(10**7):07d}"
    lead = {
        "first_name": "Nora", "last_name": "Haddad", "email": f"{unique('nora')}@example.com",
        "phone": phone, "title": "Head of Acquisitions", "city": "Riyadh", "country": "SA",
        "company": "Dar Al Arkan", "website": "alarkan.example", "industry": "Real Estate",
        "employee_count": 1200, "annual_revenue": 5_000_000, "company_country": "SA",
        "source": "web form",
        "custom_fields": {"budget_note": "up to 2M"}, **fields,
    }  # fmt: skip
    created = api.post("/api/v1/leads", json=lead)
    assert created.status_code == 201, created.text
    lead_id = created.json()["lead"]["id"]
    scored = api.post(f"/api/v1/leads/{lead_id}/score")
    assert scored.status_code == 200, scored.text
    return int(lead_id)


def write_in(workspace: Workspace, lead_id: int, body: str, channel: str = "sms") -> None:
    """The lead writes in, as a channel would deliver it."""
    with unit_of_work() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        sender = lead.phone if channel == "sms" else lead.whatsapp_id or lead.phone
        inbound = Inbound(channel=channel, sender=str(sender), body=body, provider="tests",
                          provider_message_id=unique("msg"))  # fmt: skip
        receive(session, session.merge(workspace), inbound)


def conversation_id(lead_id: int) -> int:
    with get_sessionmaker(writes=False)() as session:
        found = session.scalar(select(Conversation.id).where(Conversation.lead_id == lead_id))
        assert found is not None
        return found


def messages_of(lead_id: int) -> list[Message]:
    with get_sessionmaker(writes=False)() as session:
        rows = list(session.scalars(select(Message).where(Message.lead_id == lead_id)
                                    .order_by(Message.id)))  # fmt: skip
        session.expunge_all()
        return rows


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def agency(api: Any) -> dict[str, Any]:
    kb = make_knowledge_base(api, "Agency")
    fill_with_the_agency(api, kb["id"])
    return kb


@pytest.fixture
def answered(api: Any, agency: dict[str, Any]) -> int:
    """A scored lead who asked about villa prices and was answered by the agent."""
    lead_id = make_scored_lead(api)
    write_in(api.workspace, lead_id, QUESTION)
    settle_jobs()
    return lead_id


def test_the_page_shows_profile_company_and_the_score_with_reasons_adding_up(api, client):
    lead_id = make_scored_lead(api)
    browser = Browser(client, make_person(api.workspace))
    page = browser.get(f"/leads/{lead_id}")
    assert page.status_code == 200
    words = text_of(page.text)
    for shown in ("Nora Haddad", "Head of Acquisitions", "Riyadh, SA", "web form", "budget_note",
                  "up to 2M", "Dar Al Arkan", "alarkan.example", "Real Estate", "1,200 people",
                  "5,000,000", "works in real estate"):  # fmt: skip
        assert shown in words, shown
    points = [int(p) for p in re.findall(r'data-testid="score-reason" data-points="(-?\d+)"',
                                         page.text)]  # fmt: skip
    score = int(re.search(r'data-testid="score-value">(\d+)<', page.text).group(1))
    assert sorted(points) == [-10, 15, 30]
    assert sum(points) == score
    assert int(re.search(r'data-testid="score-total">(-?\d+)<', page.text).group(1)) == score
    assert "Score history (1 change)" in words
    assert "enrichment provider is connected" in words


def test_the_thread_shows_the_agents_answer_its_decision_and_the_knowledge_it_cited(
    api, client, answered
):
    _question, answer = messages_of(answered)
    assert answer.author == "agent"
    assert answer.citations
    page = Browser(client, make_person(api.workspace)).get(f"/leads/{answered}")
    words = text_of(page.text)
    assert QUESTION in words
    assert answer.body.split("\n")[0][:60] in words
    assert "Agent's decision: answer" in words
    assert f"answered from {QUESTION}" in words
    assert "Knowledge cited" in words
    assert page.text.count('data-testid="citation"') == 1
    assert re.search(r'data-testid="citation">\s*<strong>How much does a three-bedroom villa',
                     page.text)  # fmt: skip
    assert "kept in the outbox" in words
    assert "The agent is answering" in words


def test_the_page_speaks_arabic_right_to_left(api, client, answered):
    browser = Browser(client, make_person(api.workspace))
    browser.post("/language", data={"language": "ar"})
    page = browser.get(f"/leads/{answered}").text
    assert '<html lang="ar" dir="rtl">' in page
    for words in ("سبب هذا التقييم", "تولَّ المحادثة", "المعرفة المستشهد بها", "السجل الزمني"):
        assert words in page


def test_the_timeline_is_newest_first_and_pages_with_more(api, client, session):
    lead_id = make_scored_lead(api)
    for n in range(25):
        edited = api.patch(f"/api/v1/leads/{lead_id}", json={"city": f"City {n}"})
        assert edited.status_code == 200
    browser = Browser(client, make_person(api.workspace))
    page = browser.get(f"/leads/{lead_id}").text
    kinds = re.findall(r'data-testid="timeline-entry" data-kind="([a-z_.]+)"', page)
    assert kinds[:2] == ["lead.updated", "lead.updated"]
    assert len(kinds) == 20
    cursor = re.search(r'hx-get="/leads/\d+/timeline\?cursor=([^"]+)"', page).group(1)
    more = browser.get(f"/leads/{lead_id}/timeline?cursor={cursor}", headers={"HX-Request": "1"})
    assert more.status_code == 200
    older = re.findall(r'data-testid="timeline-entry" data-kind="([a-z_.]+)"', more.text)
    assert older[-1] == "lead.created"  # the arrival closes the timeline
    assert len(kinds) + len(older) == 25 + 1 + 1  # edits, the score, the arrival
    bad = browser.get(f"/leads/{lead_id}/timeline?cursor=not-a-cursor")
    assert bad.status_code == 400


def test_take_over_reply_and_release(api, client, answered):
    browser = Browser(client, make_person(api.workspace))
    conversation = conversation_id(answered)
    base = f"/leads/{answered}/conversations/{conversation}"
    hx = {"HX-Request": "true"}

    taken = browser.post(f"{base}/takeover", headers=hx)
    assert taken.status_code == 200
    assert "A person is answering" in taken.text
    assert "Hand back to the agent" in taken.text
    write_in(api.workspace, answered, "And do you have parking?")
    settle_jobs()
    assert [m.author for m in messages_of(answered)] == ["lead", "agent", "lead"]  # agent quiet

    sent = browser.post(f"{base}/reply", data={"body": "Yes, two spaces with each villa."},
                        headers=hx)  # fmt: skip
    assert sent.status_code == 200
    assert "Yes, two spaces with each villa." in sent.text  # the thread, swapped out of band
    assert 'hx-swap-oob="true"' in sent.text
    assert "</textarea>" in sent.text
    assert "two spaces" not in sent.text.split("<form")[1]
    settle_jobs()
    mine = messages_of(answered)[-1]
    assert (mine.author, mine.status, mine.direction) == ("person", "kept", "out")
    with get_sessionmaker(writes=False)() as session:
        user = session.scalar(select(User).where(User.id == mine.author_user_id))
        assert user is not None
        assert user.name == "Sam Seller"
    assert "Sam Seller" in browser.get(f"/leads/{answered}").text

    released = browser.post(f"{base}/release", headers=hx)
    assert "The agent is answering" in released.text
    write_in(api.workspace, answered, "Where is your office?")
    settle_jobs()
    assert messages_of(answered)[-1].author == "agent"


def test_without_htmx_the_forms_work_and_come_back_to_the_page(api, client, answered):
    browser = Browser(client, make_person(api.workspace))
    base = f"/leads/{answered}/conversations/{conversation_id(answered)}"
    taken = browser.post(f"{base}/takeover", follow_redirects=False)
    assert taken.status_code == 303
    assert taken.headers["location"].startswith(f"/leads/{answered}#conversation-")
    sent = browser.post(f"{base}/reply", data={"body": "Hello from the form"},
                        follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303
    assert messages_of(answered)[-1].body == "Hello from the form"


def test_a_refused_reply_says_why_and_keeps_what_was_typed(api, client, workspace):
    lead_id = make_scored_lead(api, whatsapp="+966551234567")
    write_in(api.workspace, lead_id, "hello", channel="whatsapp")
    with unit_of_work() as session:  # the lead last wrote two days ago
        conversation = session.scalar(select(Conversation).where(Conversation.lead_id == lead_id))
        conversation.last_inbound_at = utcnow() - timedelta(days=2)
        conversation.handled_by = "person"
        cid = conversation.id
    browser = Browser(client, make_person(api.workspace))
    base = f"/leads/{lead_id}/conversations/{cid}"
    late = browser.post(f"{base}/reply", data={"body": "Still there?"}, headers={"HX-Request": "1"})
    assert late.status_code == 409
    assert "24 hours" in late.text
    assert "Still there?" in late.text
    empty = browser.post(f"{base}/reply", data={"body": "   "}, headers={"HX-Request": "1"})
    assert empty.status_code == 422
    assert "1 to 1,600 characters" in empty.text
    whole = browser.post(f"{base}/reply", data={"body": "Still there?"})
    assert whole.status_code == 409
    assert "24 hours" in whole.text
    assert "<html" in whole.text
    assert all(m.direction == "in" for m in messages_of(lead_id))


def test_every_change_needs_the_csrf_token(api, client, answered):
    Browser(client, make_person(api.workspace))
    base = f"/leads/{answered}/conversations/{conversation_id(answered)}"
    changes = [(f"{base}/takeover", {}), (f"{base}/reply", {"body": "sneaky"}),
               (f"{base}/release", {}), (f"/leads/{answered}/merges/1/undo", {})]  # fmt: skip
    for url, data in changes:
        refused = client.post(url, data=data, headers={"HX-Request": "true"})
        assert refused.status_code == 403, url
    assert [m.author for m in messages_of(answered)] == ["lead", "agent"]
    with get_sessionmaker(writes=False)() as session:
        assert session.get(Conversation, conversation_id(answered)).handled_by == "agent"


def test_a_merge_is_shown_on_the_timeline_and_can_be_undone(api, client):
    lead_id = make_scored_lead(api)
    with get_sessionmaker(writes=False)() as session:
        email = session.get(Lead, lead_id).email
    again = api.post("/api/v1/leads", json={"email": email, "title": "CEO", "source": "import"})
    assert again.json()["outcome"] == "merged"
    browser = Browser(client, make_person(api.workspace))
    page = browser.get(f"/leads/{lead_id}").text
    assert "Merged with an arrival" in text_of(page)
    undo = re.search(r'action="(/leads/\d+/merges/\d+/undo)"', page).group(1)
    done = browser.post(undo, follow_redirects=False)
    assert done.status_code == 303
    after = text_of(browser.get(f"/leads/{lead_id}").text)
    assert "Merge undone" in after
    assert "split out as its own lead" in after
    assert browser.post(undo).status_code == 409  # undone already: said, not a 500


def test_another_workspaces_lead_is_not_found_on_every_route(api, client, session, answered):
    stranger = make_workspace(session)
    browser = Browser(client, make_person(stranger))
    conversation = conversation_id(answered)
    with get_sessionmaker(writes=False)() as reader:
        mine = make_lead(reader, stranger)  # a lead of the viewer's own workspace
    base = f"/leads/{answered}/conversations/{conversation}"
    for url in (f"/leads/{answered}", f"/leads/{answered}/timeline", f"/leads/{answered}/stream",
                "/leads/999999999", "/leads/99999999999999999999", "/leads/abc"):  # fmt: skip
        found = browser.get(url)
        assert found.status_code == 404, url
        assert "no such lead" in found.text
    for url in (f"{base}/takeover", f"{base}/release", f"{base}/reply",
                f"/leads/{answered}/merges/1/undo",
                f"/leads/{mine.id}/conversations/{conversation}/takeover"):  # fmt: skip
        assert browser.post(url, data={"body": "hi"}).status_code == 404, url
    with get_sessionmaker(writes=False)() as reader:
        assert reader.get(Conversation, conversation).handled_by == "agent"
    assert [m.author for m in messages_of(answered)] == ["lead", "agent"]


def first_update(workspace: Workspace, lead_id: int, on_page: set[int], *writes: Any) -> Any:
    """The first update the lead's stream sends once ``writes`` have happened."""

    async def listen() -> dict[str, Any]:
        with get_sessionmaker(writes=False)() as session:
            user = session.scalars(select(User)).first()
            here = session.get(Workspace, workspace.id)
            session.expunge_all()
        viewer = Viewer(user=user, workspace=here, workspaces=[here], language="en",
                        csrf_token="token", user_session=UserSession())  # fmt: skip
        after = await starting_point(workspace.id, None)
        for write in writes:
            write()
        events = lead_events(viewer, lead_id, after, on_page)
        try:
            return await asyncio.wait_for(anext(events), timeout=10)
        finally:
            await events.aclose()

    return asyncio.run(listen())


def test_the_live_stream_sends_this_leads_thread_as_it_changes(api, answered):
    other = make_scored_lead(api)
    shown = conversation_id(answered)
    update = first_update(
        api.workspace, answered, {shown},
        lambda: write_in(api.workspace, other, "a message of another lead"),
        lambda: write_in(api.workspace, answered, "Is there a pool?"),
    )  # fmt: skip
    assert update["event"] == "lead"
    assert "Is there a pool?" in update["data"]
    assert "a message of another lead" not in update["data"]
    assert (
        f'<ol class="list-unstyled vstack gap-2 thread mb-3" id="conversation-{shown}-messages"'
        in update["data"]
    )
    assert 'hx-swap-oob="true"' in update["data"]
    assert "beforeend:#conversation-list" not in update["data"]


def test_a_conversation_the_page_does_not_show_yet_is_added_whole(api, agency):
    lead_id = make_scored_lead(api)
    on_page: set[int] = set()
    update = first_update(api.workspace, lead_id, on_page,
                          lambda: write_in(api.workspace, lead_id, "First message!"))  # fmt: skip
    assert 'hx-swap-oob="beforeend:#conversation-list"' in update["data"]
    assert 'data-testid="reply"' in update["data"]  # with its reply box
    assert on_page == {conversation_id(lead_id)}  # the next update swaps it in place


def test_in_arabic_the_page_translates_the_tier_isolates_the_phone_and_points_back(api, client):
    lead_id = make_scored_lead(api)
    browser = Browser(client, make_person(api.workspace))
    browser.post("/language", data={"language": "ar"})
    page = browser.get(f"/leads/{lead_id}").text
    with unit_of_work() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        phone, tier = lead.phone, lead.score_tier
    shown_tier = re.search(r'data-testid="score-tier">([^<]+)<', page).group(1)
    assert shown_tier == {"HOT": "ساخن", "WARM": "دافئ", "COLD": "بارد"}[str(tier)]
    assert f'<bdi dir="ltr">{phone}</bdi>' in page
    assert '<bdi dir="ltr">+30</bdi>' in page
    assert '<bdi dir="ltr">\u221210</bdi>' in page
    assert '<a href="/board">→ ' in page


def test_times_are_shown_in_the_workspaces_time_zone(api, client):
    lead_id = make_scored_lead(api)
    with unit_of_work() as session:
        session.get(Workspace, api.workspace.id).time_zone = "Asia/Riyadh"  # type: ignore[union-attr]
    with unit_of_work() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        assert lead.scored_at is not None
        scored_at = lead.scored_at
    browser = Browser(client, make_person(api.workspace))
    page = browser.get(f"/leads/{lead_id}").text
    assert formats.moment_text(scored_at, "en", "Asia/Riyadh") in unescape(page)
    assert formats.moment_text(scored_at, "en", "UTC") not in unescape(page)
    assert " UTC<" not in page
