from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, IdType, RecordMixin


class Channel(StrEnum):
    """Where a conversation is held."""

    sms = "sms"
    whatsapp = "whatsapp"
    email = "email"
    chat = "chat"  # the web chat on the business's site

    @classmethod
    def parse(cls, word: str) -> Channel:
        """A channel as callers have named it: "web" is an older name of the web chat."""
        return cls.chat if word == "web" else cls(word)


class HandledBy(StrEnum):
    agent = "agent"
    person = "person"


class Conversation(RecordMixin, Base):
    """A lead's exchange with the business on one channel. The agent answers it unless a
    person has taken it over."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("lead_id", "channel", "address"),)

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int] = mapped_column(IdType, ForeignKey("lead.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))  # Channel
    # The lead's number or address; for web chat, the session: one conversation per browser
    address: Mapped[str | None] = mapped_column(String(320))
    # The business's own number or address the lead wrote to: replies leave from it when the
    # account names no sender of its own.
    business_address: Mapped[str | None] = mapped_column(String(320))
    handled_by: Mapped[str] = mapped_column(String(10), default=HandledBy.agent)
    taken_over_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    taken_over_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(5))
    last_inbound_at: Mapped[datetime | None]  # opens WhatsApp's 24-hour window
    last_outbound_at: Mapped[datetime | None]
