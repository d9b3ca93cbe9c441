"""Telling the business's people what needs them now: a lead that turned hot, a conversation
handed to a person, a quota or budget nearly spent. By email to the workspace's alert addresses
(its owner's, unless set) and by SMS to its alert number when it has one; through the
workspace's own providers, else the platform's, else the outbox. Each notification is kept,
and handed over by a job."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.exceptions import UnprocessableInput
from leadflow.identity.phones import InvalidPhone, to_e164
from leadflow.kit.emails import InvalidEmail, normalize_email
from leadflow.leads.naming import display_name
from leadflow.models import Lead, Notification, NotificationStatus, User, Workspace, WorkspaceMember
from leadflow.worker import enqueue

MAX_EMAILS = 5
SETTINGS_KEY = "notifications"


@dataclass(frozen=True)
class Targets:
    """Where the workspace's alerts go: these addresses (none: the owner's) and this number."""

    emails: tuple[str, ...]
    sms_number: str | None


def targets(workspace: Workspace) -> Targets:
    """The workspace's alert targets as set (an earlier single ``email`` and ``phone`` too)."""
    chosen: dict[str, Any] = (workspace.settings or {}).get(SETTINGS_KEY) or {}
    emails = chosen.get("emails") or ([chosen["email"]] if chosen.get("email") else [])
    number = chosen.get("sms_number") or chosen.get("phone") or None
    return Targets(tuple(str(e) for e in emails), str(number) if number else None)


def set_targets(
    session: Session, workspace: Workspace, *, emails: Sequence[str], sms_number: str | None
) -> Targets:
    """Sets where alerts go: up to five addresses (none: the owner's), and a number for SMS."""
    kept = _emails(emails)
    number = _number(sms_number, workspace.default_region) if sms_number else None
    settings = dict(workspace.settings or {})
    settings[SETTINGS_KEY] = {"emails": list(kept), "sms_number": number}
    workspace.settings = settings
    session.flush()
    return Targets(kept, number)


def _emails(emails: Sequence[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for raw in (e.strip() for e in emails if e.strip()):
        try:
            address = normalize_email(raw)[0]
        except InvalidEmail as error:
            raise UnprocessableInput(str(error), errors={"emails": str(error)}) from None
        if address not in kept:
            kept.append(address)
    if len(kept) > MAX_EMAILS:
        raise UnprocessableInput(f"alerts go to at most {MAX_EMAILS} addresses")
    return tuple(kept)


def _number(raw: str, region: str) -> str:
    try:
        return to_e164(raw.strip(), region)
    except InvalidPhone as error:
        message = f"not a phone number: {raw.strip()[:40]!r}"
        raise UnprocessableInput(message, errors={"sms_number": str(error)}) from None


def recipients(session: Session, workspace: Workspace) -> list[tuple[str, str]]:
    """(channel, address) pairs: the alert addresses (else the owner's) and the number."""
    chosen = targets(workspace)
    emails = chosen.emails or tuple(filter(None, [_owner_email(session, workspace.id)]))
    pairs = [("email", email) for email in emails]
    if chosen.sms_number:
        pairs.append(("sms", chosen.sms_number))
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


def usage_passed(
    session: Session, workspace: Workspace, *, metric: str, period: str, provider: str | None,
    limit: int, used: int, percent: int,
) -> None:  # fmt: skip
    """Tells the business's people a quota or budget is nearly spent (once a period)."""
    what = _spent(metric, limit, used) + (f" through {provider}" if provider else "")
    subject = f"{percent}% of this {period}'s {'budget' if metric == 'cost' else metric} used"
    body = (
        f"Your workspace {workspace.name} has used {what} this {period}, past {percent}% of "
        "its limit. Past the limit, LLM answers fall back to rules and sends are refused: raise "
        "it under Settings, Usage limits."
    )
    _notify_workspace(session, workspace, None, kind="usage", subject=subject, body=body)


def _spent(metric: str, limit: int, used: int) -> str:
    if metric == "cost":
        return f"${used / 1_000_000:,.2f} of ${limit / 1_000_000:,.2f}"
    return f"{used:,} of {limit:,} {metric}"


def _notify(session: Session, lead: Lead, *, kind: str, subject: str, body: str) -> None:
    workspace = session.get(Workspace, lead.workspace_id)
    assert workspace is not None
    _notify_workspace(session, workspace, lead.id, kind=kind, subject=subject, body=body)


def _notify_workspace(
    session: Session, workspace: Workspace, lead_id: int | None, *, kind: str, subject: str,
    body: str,
) -> None:  # fmt: skip
    for channel, recipient in recipients(session, workspace):
        notification = Notification(
            workspace_id=workspace.id, lead_id=lead_id, kind=kind, channel=channel,
            recipient=recipient, subject=subject if channel == "email" else None,
            body=body if channel == "email" else f"{subject}. {body}"[:600],
            status=NotificationStatus.queued,
            idempotency_key=f"note-{uuid.uuid4().hex}",
        )  # fmt: skip
        session.add(notification)
        session.flush()
        enqueue(session, "notifications.deliver", workspace.id, notification.id)


def _contact(lead: Lead) -> str:
    return ", ".join(p for p in (lead.phone or lead.whatsapp_id, lead.email) if p) or "no contact"
