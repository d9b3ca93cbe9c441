"""A lead's consent to be contacted: the one place it is read from their words and the one
writer of it. Every way consent changes (the lead's STOP or START, an unsubscribe link, the
agent hearing a refusal, a person's edit, an arrival or an import that says so) goes through
``record`` (or ``record_arrivals`` for a batch), which always leaves a timeline entry and an
event beside the change.

A one-word message is read as the carriers' keywords are (STOP, START, HELP...); longer ones by
the wordings people use ("please stop texting me"), in English and Arabic, because consent may
be revoked by any reasonable means (FCC, in force since 2025-04-11)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from leadflow.compliance.opt_outs import is_opt_out
from leadflow.events.service import record as record_event
from leadflow.kit.bulk import insert_rows
from leadflow.models import Activity, ConsentStatus, Lead
from leadflow.models.base import table, utcnow

ConsentWord = Literal["opt_out", "opt_in", "help"]

OPT_OUT_KEYWORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt-out",
     "ايقاف", "إيقاف", "توقف", "الغاء", "إلغاء", "stopp"}
)  # fmt: skip
OPT_IN_KEYWORDS = frozenset({"start", "unstop", "yes", "ابدأ", "ابدا"})
HELP_KEYWORDS = frozenset({"help", "info", "مساعدة"})
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
# The timeline's and the event log's word for a change to each status.
VERBS = {
    ConsentStatus.granted: "granted",
    ConsentStatus.denied: "revoked",
    ConsentStatus.unknown: "cleared",
}


def consent_word(text: str) -> ConsentWord | None:
    """``opt_out``, ``opt_in`` or ``help`` when that is what the message says; else None."""
    words = text.split()
    if len(words) == 1:
        keyword = _EDGES.sub("", words[0]).casefold()
        if keyword in OPT_OUT_KEYWORDS:
            return "opt_out"
        if keyword in OPT_IN_KEYWORDS:
            return "opt_in"
        if keyword in HELP_KEYWORDS:
            return "help"
    if is_opt_out(text):
        return "opt_out"
    return None


def heard(text: str, *, verified: bool) -> ConsentStatus | None:
    """The consent a lead's message gives or withdraws, if it does. A message from an address
    anyone may claim (web chat, web forms) may withdraw consent but never grant it."""
    word = consent_word(text)
    if word == "opt_out":
        return ConsentStatus.denied
    if word == "opt_in" and verified:
        return ConsentStatus.granted
    return None


def merged(current: str | None, incoming: str | None) -> ConsentStatus:
    """A lead's consent once an arrival's answer meets what is known: a refusal always stands,
    on either side; a grant fills an unknown."""
    if ConsentStatus.denied in (current, incoming):
        return ConsentStatus.denied
    if incoming == ConsentStatus.granted:
        return ConsentStatus.granted
    return ConsentStatus(current or ConsentStatus.unknown)


@dataclass(frozen=True)
class Change:
    """One lead's consent going from ``previous`` to ``status``: by what (``source``, kept on
    the lead), by whom (``actor``), on which channel, in whose words."""

    lead_id: int
    previous: ConsentStatus
    status: ConsentStatus
    source: str
    actor: str
    channel: str | None = None
    words: str | None = None
    at: datetime | None = None

    @property
    def verb(self) -> str:
        return VERBS[self.status]

    def activity(self, workspace_id: int, at: datetime) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": str(self.status), "previous": str(self.previous), "source": self.source,
            "channel": self.channel,
        }  # fmt: skip
        if self.words is not None:
            data["words"] = self.words[:200]
        return {
            "workspace_id": workspace_id, "lead_id": self.lead_id, "kind": f"consent.{self.verb}",
            "actor": self.actor[:100], "occurred_at": at, "data": data, "created_at": at,
            "updated_at": at,
        }  # fmt: skip


def record(
    session: Session,
    lead: Lead,
    status: ConsentStatus,
    *,
    source: str,
    actor: str,
    channel: str | None = None,
    words: str | None = None,
) -> bool:
    """Sets the lead's consent, with its timeline entry and its event; False (and nothing
    written) when the lead's consent is already ``status``."""
    previous = ConsentStatus(lead.consent_status or ConsentStatus.unknown)
    if previous == status:
        return False
    change = Change(lead.id, previous, status, source[:200], actor, channel, words)
    at = utcnow()
    lead.consent_status, lead.consent_source, lead.consent_at = status, change.source, at
    session.add(Activity(**change.activity(lead.workspace_id, at)))
    _announce(session, lead.workspace_id, change)
    return True


def record_arrivals(session: Session, workspace_id: int, changes: Sequence[Change]) -> None:
    """The timeline entries and events of consent that a batch of arrivals set or changed; the
    batch wrote the leads' columns itself (``stamp``), set-at-a-time."""
    at = utcnow()
    insert_rows(session, table(Activity), [c.activity(workspace_id, c.at or at) for c in changes])
    for change in changes:
        _announce(session, workspace_id, change)


def stamp(status: str, source: str | None, at: datetime) -> tuple[str | None, datetime | None]:
    """The consent source and time a lead's row keeps with ``status``: none while unknown."""
    if status == ConsentStatus.unknown or not source:
        return None, None
    return source[:200], at


def _announce(session: Session, workspace_id: int, change: Change) -> None:
    record_event(
        session, workspace_id, f"lead.consent.{change.verb}", lead_id=change.lead_id,
        status=str(change.status), previous=str(change.previous), channel=change.channel,
        source=change.source, actor=change.actor,
    )  # fmt: skip
