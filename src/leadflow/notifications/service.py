"""Telling the business's people what needs them now: a lead that turned hot, a conversation
handed to a person. By email to the workspace's notification address (its owner's, unless set)
and by SMS to its notification number when it has one; through the outbox when no provider
is configured. Each notification is kept, and handed over by a job."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.leads.naming import display_name
from leadflow.models import Lead, Notification, NotificationStatus, User, Workspace, WorkspaceMember
from leadflow.worker import enqueue


def recipients(session: Session, workspace: Workspace) -> list[tuple[str, str]]:
    """(channel, address) pairs: the settings' email and phone, else the owner's email."""
    chosen: dict[str, Any] = (workspace.settings or {}).get("notifications") or {}
    pairs = []
    email = chosen.get("email") or _owner_email(session, workspace.id)
    if email:
        pairs.append(("email", str(email)))
    if chosen.get("phone"):
        pairs.append(("sms", str(chosen["phone"])))
    return pairs


def _owner_email(session: Session, workspace_id: int) -> str | None:
    return session.scalar(
        select(User.email)
        .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
        .where(WorkspaceMember.workspace_id == workspace_id)
        .order_by(WorkspaceMember.role != "owner", WorkspaceMember.id)
        .limit(1)
    )


def hot_lead(session: Session, lead: Lead, *, score: int, reasons: Sequence[str]) -> None:
    name = display_name(lead)
    why = "; ".join(reasons[:3])
    _notify(
        session, lead, kind="hot_lead", subject=f"Hot lead: {name} ({score})",
        body=f"{name} is now HOT at {score}: {why}. Reach them now: {_contact(lead)}.",
    )  # fmt: skip


def handoff(session: Session, lead: Lead, *, channel: str, reason: str) -> None:
    name = display_name(lead)
    _notify(
        session, lead, kind="handoff", subject=f"{name} needs a person",
        body=f"The agent handed {name}'s {channel} conversation to you ({reason}). "
        f"Reply from leadflow: {_contact(lead)}.",
    )  # fmt: skip


def _notify(session: Session, lead: Lead, *, kind: str, subject: str, body: str) -> None:
    workspace = session.get(Workspace, lead.workspace_id)
    assert workspace is not None
    for channel, recipient in recipients(session, workspace):
        notification = Notification(
            workspace_id=lead.workspace_id, lead_id=lead.id, kind=kind, channel=channel,
            recipient=recipient, subject=subject if channel == "email" else None,
            body=body if channel == "email" else f"{subject}. {body}"[:600],
            status=NotificationStatus.queued,
            idempotency_key=f"note-{uuid.uuid4().hex}",
        )  # fmt: skip
        session.add(notification)
        session.flush()
        enqueue(session, "notifications.deliver", lead.workspace_id, notification.id)


def _contact(lead: Lead) -> str:
    return ", ".join(p for p in (lead.phone or lead.whatsapp_id, lead.email) if p) or "no contact"
