"""The send policy: whether a message may go to a lead now. Decided here only, and asked twice:
when the message is queued (by the agent or a person) and again when it is handed to its
channel, because consent can be withdrawn, a window close or the night fall in between.

- Consent: nothing goes to a lead who has asked not to be contacted, on any channel (consent
  is the lead's), except the one message confirming the opt-out, as carriers expect.
- WhatsApp takes free-form messages only within 24 hours of the lead's last message.
- Quiet hours: a text the lead did not just ask for (no message from them in the last 24
  hours) is not sent before 08:00 or from 21:00 in the lead's time zone (else the
  workspace's), the hours US telemarketing rules allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from leadflow.models import Channel, ConsentStatus, Conversation, Lead, Workspace
from leadflow.models.base import utcnow

WHATSAPP_WINDOW = timedelta(hours=24)
# A message within this long of the lead's own is an answer, not an approach.
ANSWERING = timedelta(hours=24)
QUIET_FROM, QUIET_UNTIL = time(21), time(8)
QUIET_CHANNELS = frozenset({Channel.sms, Channel.whatsapp})


class Refusal(StrEnum):
    no_consent = "no_consent"
    whatsapp_window = "whatsapp_window"
    quiet_hours = "quiet_hours"


REASONS = {
    Refusal.no_consent: "the lead has asked not to be contacted",
    Refusal.whatsapp_window: (
        "more than 24 hours since the lead's last WhatsApp message: "
        "only an approved template may be sent now"
    ),
    Refusal.quiet_hours: (
        "quiet hours for the lead (21:00 to 08:00 where they are): "
        "a text they did not just ask for waits for the morning"
    ),
}


@dataclass(frozen=True)
class Verdict:
    """Whether the message may go, and if not, why (``refusal``, and in words ``reason``)."""

    allowed: bool
    refusal: Refusal | None = None

    @property
    def reason(self) -> str:
        return REASONS[self.refusal] if self.refusal else ""


ALLOWED = Verdict(True)


def refusal_in(reason: str | None) -> Refusal | None:
    """The refusal a kept reason names, if it is one of the policy's (to say it in any
    language)."""
    return next((refusal for refusal, text in REASONS.items() if text == reason), None)


def may_send(
    session: Session,
    lead: Lead,
    conversation: Conversation,
    *,
    confirming_opt_out: bool = False,
    at: datetime | None = None,
) -> Verdict:
    """Whether a message may go to ``lead`` in ``conversation`` at ``at`` (now)."""
    at = at or utcnow()
    if lead.consent_status == ConsentStatus.denied and not confirming_opt_out:
        return Verdict(False, Refusal.no_consent)
    if not within_whatsapp_window(conversation, at=at):
        return Verdict(False, Refusal.whatsapp_window)
    if _approach(conversation, at) and _quiet(at, _zone_of(session, lead)):
        return Verdict(False, Refusal.quiet_hours)
    return ALLOWED


def within_whatsapp_window(conversation: Conversation, *, at: datetime | None = None) -> bool:
    """WhatsApp takes free-form messages only within 24 hours of the lead's last message."""
    if conversation.channel != Channel.whatsapp:
        return True
    last = conversation.last_inbound_at
    return last is not None and (at or utcnow()) - last <= WHATSAPP_WINDOW


def answering(conversation: Conversation, *, at: datetime) -> bool:
    """Whether the lead wrote in this conversation lately: a message now answers them."""
    last = conversation.last_inbound_at
    return last is not None and at - last <= ANSWERING


def _approach(conversation: Conversation, at: datetime) -> bool:
    """A text the lead did not just ask for: what quiet hours hold back."""
    return conversation.channel in QUIET_CHANNELS and not answering(conversation, at=at)


def _quiet(at: datetime, zone: ZoneInfo) -> bool:
    local = at.astimezone(zone).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def _zone_of(session: Session, lead: Lead) -> ZoneInfo:
    workspace = session.get(Workspace, lead.workspace_id)
    for name in (lead.time_zone, workspace.time_zone if workspace else None):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")
