"""Every query of the conversations domain, each scoped to its workspace."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from leadflow.models import Conversation, Lead, Message, MessageAuthor, MessageDirection


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
