"""A lead's display name, worked out here only: the board's cards, the lead's page, the
outbox, notifications, exports and the API all show a lead by it."""

from __future__ import annotations

from typing import Protocol


class Nameable(Protocol):
    """What a display name is made from: a lead, or a row of its columns."""

    @property
    def id(self) -> int: ...
    @property
    def first_name(self) -> str | None: ...
    @property
    def last_name(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def whatsapp_id(self) -> str | None: ...


def display_name(lead: Nameable) -> str:
    """The lead's name; else how to reach them (email, phone, WhatsApp); else ``#id``."""
    person = " ".join(part for part in (lead.first_name, lead.last_name) if part)
    return person or lead.email or lead.phone or lead.whatsapp_id or f"#{lead.id}"
