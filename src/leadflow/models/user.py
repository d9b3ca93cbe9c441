from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.models.base import Base, RecordMixin


class User(RecordMixin, Base):
    """A person who signs in. Belongs to workspaces through memberships."""

    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    last_login_at: Mapped[datetime | None]
