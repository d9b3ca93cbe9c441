"""Every query of the conversations domain, each scoped to its workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Row, and_, not_, or_, select
from sqlalchemy.orm import Session

from leadflow.kit.pagination import Sort, after_cursor, encode_cursor
from leadflow.models import (
    Conversation,
    Event,
    HandledBy,
    Lead,
    Message,
    MessageAuthor,
    MessageDirection,
)
from leadflow.models.base import utcnow


def conversation(session: Session, workspace_id: int, conversation_id: int) -> Conversation | None:
    return session.scalars(
        select(Conversation).where(
            Conversation.id == conversation_id, Conversation.workspace_id == workspace_id
        )
    ).first()


def conversation_on(session: Session, lead_id: int, channel: str) -> Conversation | None:
    return session.scalars(
        select(Conversation).where(Conversation.lead_id == lead_id, Conversation.channel == channel)
    ).first()


def latest_channels(session: Session, workspace_id: int, lead_ids: Sequence[int]) -> dict[int, str]:
    """Each lead's channel it last spoke on, for the leads that have a conversation."""
    if not lead_ids:
        return {}
    latest = (
        select(Conversation.lead_id, Conversation.channel)
        .where(Conversation.workspace_id == workspace_id, Conversation.lead_id.in_(lead_ids))
        .order_by(Conversation.updated_at, Conversation.id)
    )
    return dict(session.execute(latest).all())


def conversations_of(session: Session, workspace_id: int, lead_id: int) -> Sequence[Conversation]:
    return session.scalars(
        select(Conversation)
        .where(Conversation.workspace_id == workspace_id, Conversation.lead_id == lead_id)
        .order_by(Conversation.id)
    ).all()


def message(session: Session, workspace_id: int, message_id: int) -> Message | None:
    return session.scalars(
        select(Message).where(Message.id == message_id, Message.workspace_id == workspace_id)
    ).first()


def message_from(
    session: Session, workspace_id: int, provider: str, provider_message_id: str
) -> Message | None:
    return session.scalars(
        select(Message).where(
            Message.workspace_id == workspace_id,
            Message.provider == provider,
            Message.provider_message_id == provider_message_id,
        )
    ).first()


def messages(
    session: Session,
    workspace_id: int,
    conversation_id: int,
    *,
    after_id: int = 0,
    limit: int = 200,
) -> Sequence[Message]:
    return session.scalars(
        select(Message)
        .where(
            Message.workspace_id == workspace_id,
            Message.conversation_id == conversation_id,
            Message.id > after_id,
        )
        .order_by(Message.id)
        .limit(limit)
    ).all()


def reply_to(session: Session, message_id: int) -> Message | None:
    """The agent's answer to a message, if it has one already."""
    return session.scalars(
        select(Message).where(
            Message.replying_to_id == message_id, Message.author == MessageAuthor.agent
        )
    ).first()


def lead_messages(session: Session, conversation_id: int, *, limit: int = 20) -> list[str]:
    """The lead's own latest messages in the conversation, oldest first."""
    bodies = session.scalars(
        select(Message.body)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == MessageDirection.inbound,
        )
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(bodies))


def agent_decisions(session: Session, conversation_id: int) -> list[dict[str, object]]:
    rows = session.scalars(
        select(Message.decision).where(
            Message.conversation_id == conversation_id, Message.author == MessageAuthor.agent
        )
    ).all()
    return [row for row in rows if row]


def outbox(
    session: Session,
    workspace_id: int,
    *,
    text: str = "",
    channel: str = "",
    status: str = "",
    before_id: int | None = None,
    limit: int = 50,
) -> Sequence[Row[Message, str | None, Lead]]:
    """Messages going out, newest first, with the recipient's address and the lead; ``text``
    matches the body or the address."""
    query = (
        select(Message, Conversation.address, Lead)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .join(Lead, Lead.id == Message.lead_id)
        .where(
            Message.workspace_id == workspace_id,
            Message.direction == MessageDirection.outbound,
        )
    )
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Message.body.ilike(pattern, escape="\\"),
                Conversation.address.ilike(pattern, escape="\\"),
            )
        )
    if channel:
        query = query.where(Message.channel == channel)
    if status:
        query = query.where(Message.status == status)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    return session.execute(query.order_by(Message.id.desc()).limit(limit)).all()


def outbox_choices(session: Session, workspace_id: int) -> tuple[list[str], list[str]]:
    """The channels and the statuses the workspace's outgoing messages have."""
    outgoing = (
        Message.workspace_id == workspace_id,
        Message.direction == MessageDirection.outbound,
    )
    channels = session.scalars(select(Message.channel).where(*outgoing).distinct()).all()
    statuses = session.scalars(select(Message.status).where(*outgoing).distinct()).all()
    return sorted(channels), sorted(statuses)


# Who is waiting on a person

# The agent answers within seconds; a lead's message unanswered past this, the agent will not.
AGENT_ANSWERS_WITHIN = timedelta(minutes=1)
WAITING_SORT = Sort(
    key="waiting", column=Conversation.last_inbound_at, id_column=Conversation.id, kind=datetime
)
RECENT_SORT = Sort(
    key="-updated_at", column=Conversation.updated_at, id_column=Conversation.id, kind=datetime
)


def needs_person(now: datetime) -> ColumnElement[bool]:
    """A conversation the agent handed off that nobody has taken yet, or where the lead's last
    message is unanswered and the agent will not answer it (a person handles it, or it is older
    than the agent ever takes)."""
    handed_off = and_(
        Conversation.handled_by == HandledBy.person, Conversation.taken_over_at.is_(None)
    )
    unanswered = and_(
        Conversation.last_inbound_at.is_not(None),
        or_(
            Conversation.last_outbound_at.is_(None),
            Conversation.last_inbound_at > Conversation.last_outbound_at,
        ),
    )
    agent_silent = or_(
        Conversation.handled_by == HandledBy.person,
        Conversation.last_inbound_at < now - AGENT_ANSWERS_WITHIN,
    )
    return or_(handed_off, and_(unanswered, agent_silent))


@dataclass(frozen=True)
class InboxFilter:
    """Which conversations a list shows: ``needs_person`` True, False or either (None)."""

    needs_person: bool | None = None
    handled_by: str = ""
    channel: str = ""
    mine: int | None = None  # a user: their leads, and the conversations they took over


def inbox(
    session: Session,
    workspace_id: int,
    chosen: InboxFilter,
    *,
    now: datetime,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[Sequence[Row[Conversation, Lead, str | None, bool]], str | None]:
    """Conversations with their lead, last message's text and whether they need a person: the
    oldest waiting first when only those needing a person are asked for, else the most
    recently changed first."""
    last_text = (
        select(Message.body)
        .where(Message.conversation_id == Conversation.id)
        .order_by(Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    statement = (
        select(Conversation, Lead, last_text, needs_person(now))
        .join(Lead, Lead.id == Conversation.lead_id)
        .where(Conversation.workspace_id == workspace_id, *_chosen(chosen, now))
    )
    order = WAITING_SORT if chosen.needs_person else RECENT_SORT
    rows = session.execute(after_cursor(statement, order, cursor).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1][0]
    value = last.last_inbound_at if order is WAITING_SORT else last.updated_at
    return rows[:limit], encode_cursor(order, value, last.id)


def _chosen(chosen: InboxFilter, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if chosen.needs_person is not None:
        waiting = needs_person(now)
        conditions.append(waiting if chosen.needs_person else not_(waiting))
    if chosen.handled_by:
        conditions.append(Conversation.handled_by == chosen.handled_by)
    if chosen.channel:
        conditions.append(Conversation.channel == chosen.channel)
    if chosen.mine is not None:
        conditions.append(
            or_(Lead.owner_id == chosen.mine, Conversation.taken_over_by == chosen.mine)
        )
    return conditions


def waiting_lead_ids(
    session: Session, workspace_id: int, lead_ids: Sequence[int], *, now: datetime | None = None
) -> set[int]:
    """Which of the leads have a conversation waiting on a person (the board marks them)."""
    if not lead_ids:
        return set()
    statement = select(Conversation.lead_id).where(
        Conversation.workspace_id == workspace_id,
        Conversation.lead_id.in_(list(lead_ids)),
        needs_person(now or utcnow()),
    )
    return set(session.scalars(statement.distinct()))


def handoff_reasons(session: Session, workspace_id: int, lead_ids: Sequence[int]) -> dict[int, str]:
    """Why the agent last handed each conversation of these leads off, by conversation."""
    if not lead_ids:
        return {}
    handoffs = session.scalars(
        select(Event)
        .where(
            Event.workspace_id == workspace_id,
            Event.type == "conversation.handoff",
            Event.lead_id.in_(list(lead_ids)),
        )
        .order_by(Event.id)
    )
    return {
        int(event.data["conversation_id"]): str(event.data.get("reason") or "")
        for event in handoffs
        if isinstance(event.data.get("conversation_id"), int)
    }
