"""Who waits on a person: conversations the agent handed off that nobody took, and leads whose
last message goes unanswered where the agent will not answer it; oldest waiting first."""

from __future__ import annotations

from leadflow.conversations import repository, service
from leadflow.conversations.repository import InboxFilter
from leadflow.db import unit_of_work
from leadflow.events.service import record
from leadflow.models import Conversation
from leadflow.workspaces.repository import members
from tests.builders import make_conversation, make_lead, make_workspace
from tests.dashboard.support import make_person


def _waiting(session, workspace) -> list[int]:
    entries, _ = service.inbox(
        session, workspace_id=workspace.id, chosen=InboxFilter(needs_person=True)
    )
    return [entry.conversation.id for entry in entries]


def test_handed_off_and_unanswered_conversations_wait_oldest_first(session):
    workspace = make_workspace(session)
    lead = make_lead(session, workspace)
    handed_off = make_conversation(
        session, lead, ("in", "Can I talk to someone?", 30), ("out", "A person will write", 29),
        handled_by="person",
    )  # fmt: skip
    unanswered = make_conversation(
        session, make_lead(session, workspace), ("in", "Hello?", 90), channel="email"
    )
    taken_and_unanswered = make_conversation(
        session, make_lead(session, workspace), ("out", "Hi", 10), ("in", "Price?", 5),
        handled_by="person", taken_over_by=None,
    )  # fmt: skip
    answered = make_conversation(
        session, make_lead(session, workspace), ("in", "Hours?", 20), ("out", "9 to 5", 19)
    )
    agent_still_thinking = make_conversation(
        session, make_lead(session, workspace), ("in", "Just now", 0.1)
    )

    assert _waiting(session, workspace) == [unanswered.id, handed_off.id, taken_and_unanswered.id]
    mine = {handed_off.lead_id, answered.lead_id, agent_still_thinking.lead_id}
    assert repository.waiting_lead_ids(session, workspace.id, list(mine)) == {handed_off.lead_id}


def test_a_conversation_taken_over_and_answered_waits_no_more(session):
    workspace = make_workspace(session)
    conversation = make_conversation(
        session, make_lead(session, workspace), ("in", "A person please", 3), ("out", "Sure", 3),
        handled_by="person",
    )  # fmt: skip
    assert _waiting(session, workspace) == [conversation.id]
    with unit_of_work() as writer:
        service.take_over(writer, writer.get(Conversation, conversation.id), None)
    session.expire_all()
    assert _waiting(session, workspace) == []


def test_a_person_replying_to_a_handed_off_conversation_takes_it(session):
    workspace = make_workspace(session)
    conversation = make_conversation(
        session, make_lead(session, workspace, phone="+14155550111", consent="granted"),
        ("in", "Someone?", 4),
        handled_by="person",
    )  # fmt: skip
    with unit_of_work() as writer:
        service.reply_as_person(
            writer, writer.get(Conversation, conversation.id), "Hi, Sam here", user_id=None
        )
    session.expire_all()
    taken = session.get(Conversation, conversation.id)
    assert taken.taken_over_at is not None
    assert _waiting(session, workspace) == []


def test_released_then_handed_off_again_waits_again(session):
    workspace = make_workspace(session)
    conversation = make_conversation(
        session, make_lead(session, workspace), ("in", "Hi", 5), ("out", "Hello", 5)
    )
    with unit_of_work() as writer:
        taken = writer.get(Conversation, conversation.id)
        service.take_over(writer, taken, None)
        service.release(writer, taken)
        taken.handled_by = "person"  # as the agent hands off
    session.expire_all()
    assert _waiting(session, workspace) == [conversation.id]


def test_the_inbox_says_why_the_agent_handed_off(session):
    workspace = make_workspace(session)
    conversation = make_conversation(
        session, make_lead(session, workspace), ("in", "Talk to a human", 2), ("out", "Ok", 2),
        handled_by="person",
    )  # fmt: skip
    with unit_of_work() as writer:
        record(
            writer, workspace.id, "conversation.handoff", lead_id=conversation.lead_id,
            conversation_id=conversation.id, channel="sms", reason="asked for a person",
        )  # fmt: skip
    (entry,), _ = service.inbox(session, workspace_id=workspace.id, chosen=InboxFilter())
    assert entry.handoff_reason == "asked for a person"
    assert entry.needs_person
    assert entry.last_text == "Ok"
    assert entry.waiting_since == conversation.last_inbound_at


def test_mine_are_my_leads_and_the_conversations_i_took(session):
    workspace = make_workspace(session)
    email = make_person(workspace)
    me = next(u for u in members(session, workspace.id) if u.email == email)
    owned = make_lead(session, workspace)
    owned.owner_id = me.id
    session.commit()
    of_my_lead = make_conversation(session, owned, ("in", "Hi", 2))
    taken = make_conversation(
        session, make_lead(session, workspace), ("in", "Yo", 2), handled_by="person",
        taken_over_by=me.id,
    )  # fmt: skip
    make_conversation(session, make_lead(session, workspace), ("in", "Other", 2))
    entries, _ = service.inbox(session, workspace_id=workspace.id, chosen=InboxFilter(mine=me.id))
    assert {e.conversation.id for e in entries} == {of_my_lead.id, taken.id}


def test_the_inbox_comes_a_page_at_a_time_and_keeps_to_its_workspace(session):
    workspace = make_workspace(session)
    made = [
        make_conversation(session, make_lead(session, workspace), ("in", f"m{n}", 60 - n))
        for n in range(5)
    ]
    make_conversation(session, make_lead(session, make_workspace(session)), ("in", "x", 99))
    seen: list[int] = []
    cursor = None
    while True:
        entries, cursor = service.inbox(
            session, workspace_id=workspace.id, chosen=InboxFilter(needs_person=True),
            cursor=cursor, limit=2,
        )  # fmt: skip
        seen += [e.conversation.id for e in entries]
        if cursor is None:
            break
    assert seen == [c.id for c in made]
