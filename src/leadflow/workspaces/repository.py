from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.models import ApiKey, Lead, Workspace, WorkspaceMember


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
