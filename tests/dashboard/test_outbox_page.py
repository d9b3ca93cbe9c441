"""The outbox page: outgoing messages newest first, searched, filtered and paged."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from leadflow.models import Conversation, Lead, Message, Workspace
from tests.builders import make_lead, make_workspace
from tests.dashboard.support import Browser, make_person


def _send(
    session: Session, lead: Lead, body: str, *, channel: str = "sms", address: str = "+15550100",
    status: str = "kept", direction: str = "out",
) -> Message:  # fmt: skip
    conversation = session.query(Conversation).filter_by(lead_id=lead.id, channel=channel).first()
    if conversation is None:
        conversation = Conversation(
            workspace_id=lead.workspace_id, lead_id=lead.id, channel=channel, address=address
        )
        session.add(conversation)
        session.flush()
    message = Message(
        workspace_id=lead.workspace_id, conversation_id=conversation.id, lead_id=lead.id,
        direction=direction, author="agent" if direction == "out" else "lead", channel=channel,
        body=body, status=status, provider="outbox",
    )  # fmt: skip
    session.add(message)
    session.commit()
    return message


def _rows(html: str) -> list[str]:
    return re.findall(r'class="outbox-row" data-message-id="(\d+)"', html)


def _browser(client, workspace: Workspace) -> Browser:
    return Browser(client, make_person(workspace))


def test_the_outbox_lists_outgoing_messages_newest_first(client, session, workspace):
    lead = make_lead(session, workspace, first_name="Nadia", email="nadia@example.com")
    first = _send(session, lead, "Hello Nadia, thanks for writing")
    second = _send(session, lead, "Following up", channel="email", address="nadia@example.com",
                   status="failed")  # fmt: skip
    _send(session, lead, "I am interested", direction="in")
    stranger = make_lead(session, make_workspace(session))
    _send(session, stranger, "Another workspace's message")
    page = _browser(client, workspace).get("/outbox")
    assert page.status_code == 200
    assert _rows(page.text) == [str(second.id), str(first.id)]
    assert "I am interested" not in page.text
    assert "Another workspace" not in page.text
    assert f'href="/leads/{lead.id}"' in page.text
    assert "Nadia" in page.text
    assert "+15550100" in page.text
    assert "failed" in page.text
    assert "email" in page.text


def test_the_outbox_is_searched_by_words_or_recipient_and_filtered(client, session, workspace):
    lead = make_lead(session, workspace)
    pricing = _send(session, lead, "Our pricing starts at 100%")
    email = _send(session, lead, "A meeting?", channel="email", address="buyer@corp.example")
    failed = _send(session, lead, "Could not send", status="failed")
    browser = _browser(client, workspace)
    assert _rows(browser.get("/outbox", params={"q": "PRICING"}).text) == [str(pricing.id)]
    assert _rows(browser.get("/outbox", params={"q": "100%"}).text) == [str(pricing.id)]
    assert _rows(browser.get("/outbox", params={"q": "corp.example"}).text) == [str(email.id)]
    assert _rows(browser.get("/outbox", params={"channel": "email"}).text) == [str(email.id)]
    assert _rows(browser.get("/outbox", params={"status": "failed"}).text) == [str(failed.id)]
    nothing = browser.get("/outbox", params={"q": "no such words"})
    assert _rows(nothing.text) == []
    assert 'data-testid="outbox-empty"' in nothing.text


def test_more_messages_come_a_page_at_a_time(client, session, workspace):
    lead = make_lead(session, workspace)
    sent = [_send(session, lead, f"message {n}").id for n in range(55)]
    browser = _browser(client, workspace)
    first = browser.get("/outbox")
    assert _rows(first.text) == [str(i) for i in reversed(sent[5:])]
    more = re.search(r'hx-get="(/outbox\?[^"]+)"', first.text)
    assert more is not None
    rest = browser.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert _rows(rest.text) == [str(i) for i in reversed(sent[:5])]
    assert "<html" not in rest.text
    assert "hx-get" not in rest.text


def test_bad_paging_or_filters_are_refused_clearly(client, workspace):
    browser = _browser(client, workspace)
    for params in ({"before": "abc"}, {"before": "0"}, {"q": "x" * 201}, {"q": "a\x00b"}):
        refused = browser.get("/outbox", params=params)
        assert refused.status_code == 422, params
        assert refused.json()["detail"]
