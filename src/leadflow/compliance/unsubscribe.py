"""The unsubscribe link in every email to a lead: a page that asks (a link scanner's visit
changes nothing), and a POST that withdraws the lead's consent, which is also what a mail
client's one-click unsubscribe sends (RFC 8058). The link names the lead by its id, signed
with the application's key: nobody can make one for another lead."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.compliance import consent
from leadflow.config import get_settings
from leadflow.exceptions import NotFound
from leadflow.kit.crypto import sign, signed_by_us
from leadflow.models import Channel, ConsentStatus, Lead

PURPOSE = "unsubscribe/v1"
SOURCE = "unsubscribe link"


def token_for(lead_id: int) -> str:
    return f"{lead_id}.{sign(PURPOSE, str(lead_id))}"


def link(lead_id: int) -> str | None:
    """The lead's unsubscribe link, when leadflow knows its public address."""
    public = get_settings().public_url.rstrip("/")
    return f"{public}/api/v1/unsubscribe/{token_for(lead_id)}" if public else None


def with_link(body: str, lead_id: int) -> str:
    """An email's text with the lead's unsubscribe link beneath it (as it is, with no link)."""
    address = link(lead_id)
    return f"{body}\n\n--\nTo stop these emails: {address}" if address else body


def lead_of(session: Session, token: str) -> Lead:
    number, _, signature = token.partition(".")
    if not (number.isascii() and number.isdigit()) or len(number) > 18:
        raise NotFound("this unsubscribe link is not one of ours")
    lead = session.get(Lead, int(number)) if signed_by_us(PURPOSE, number, signature) else None
    if lead is None:
        raise NotFound("this unsubscribe link is not one of ours")
    return lead


def unsubscribe(session: Session, token: str) -> Lead:
    """Withdraws the consent of the lead the link names (once; again changes nothing)."""
    lead = lead_of(session, token)
    consent.record(
        session, lead, ConsentStatus.denied, source=SOURCE, actor="lead", channel=Channel.email
    )
    return lead
