from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from leadflow.models import (
    ApiKey,
    Channel,
    Conversation,
    ImportJob,
    KnowledgeDocument,
    Lead,
    ProviderConnection,
    User,
    Workspace,
    WorkspaceMember,
)


def workspace_by_slug(session: Session, slug: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.slug == slug))


def workspace_by_form_token(session: Session, token: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.form_token == token))


def membership(session: Session, workspace_id: int, user_id: int) -> WorkspaceMember | None:
    return session.scalar(
        select(WorkspaceMember).where(
            WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id == user_id
        )
    )


def lead_count(session: Session, workspace_id: int) -> int:
    return session.scalar(select(func.count()).where(Lead.workspace_id == workspace_id)) or 0


def api_keys(session: Session, workspace_id: int) -> Sequence[ApiKey]:
    return session.scalars(
        select(ApiKey).where(ApiKey.workspace_id == workspace_id).order_by(ApiKey.id.desc())
    ).all()


def api_key(session: Session, workspace_id: int, key_id: int) -> ApiKey | None:
    return session.scalar(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.workspace_id == workspace_id)
    )


def members(session: Session, workspace_id: int) -> list[User]:
    """The workspace's people, by name."""
    return list(
        session.scalars(
            select(User)
            .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
            .where(WorkspaceMember.workspace_id == workspace_id)
            .order_by(User.name, User.email)
        )
    )


def users(session: Session, user_ids: Collection[int]) -> Sequence[User]:
    """The users with these ids (the authors of a thread's messages)."""
    if not user_ids:
        return []
    return session.scalars(select(User).where(User.id.in_(list(user_ids)))).all()


# The first run's checklist: what the workspace has done already.


def has_provider_connection(session: Session, workspace_id: int) -> bool:
    connected = ProviderConnection.workspace_id == workspace_id
    return _any(session, select(ProviderConnection.id).where(connected))


def has_knowledge_document(session: Session, workspace_id: int) -> bool:
    return _any(
        session, select(KnowledgeDocument.id).where(KnowledgeDocument.workspace_id == workspace_id)
    )


def has_chat_conversation(session: Session, workspace_id: int) -> bool:
    on_chat = (Conversation.workspace_id == workspace_id, Conversation.channel == Channel.chat)
    return _any(session, select(Conversation.id).where(*on_chat))


def has_import(session: Session, workspace_id: int) -> bool:
    return _any(session, select(ImportJob.id).where(ImportJob.workspace_id == workspace_id))


def member_count(session: Session, workspace_id: int) -> int:
    counted = select(func.count()).where(WorkspaceMember.workspace_id == workspace_id)
    return session.scalar(counted) or 0


def _any(session: Session, query: Select[int]) -> bool:
    return session.scalar(query.limit(1)) is not None
