from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leadflow.models.base import Base, IdType, JSONType, RecordMixin
from leadflow.models.company import Company


class LeadStage(StrEnum):
    harvested = "harvested"
    enriching = "enriching"
    qualifying = "qualifying"
    strategizing = "strategizing"
    finalizing = "finalizing"
    completed = "completed"
    failed = "failed"


class ConsentStatus(StrEnum):
    unknown = "unknown"
    granted = "granted"
    denied = "denied"


class Lead(RecordMixin, Base):
    """One person. Identity resolution keeps it one row however many times they arrive."""

    __tablename__ = "lead"
    __table_args__ = (
        Index(
            "uq_lead_workspace_id_email_key",
            "workspace_id",
            "email_key",
            unique=True,
            sqlite_where=text("email_key IS NOT NULL"),
            postgresql_where=text("email_key IS NOT NULL"),
        ),
        Index(None, "workspace_id", "phone"),
        Index(None, "workspace_id", "whatsapp_id"),
        Index(None, "workspace_id", "company_id", "name_key"),
        Index(None, "workspace_id", "sales_stage"),
    )

    workspace_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("workspace.id", ondelete="CASCADE")
    )
    company_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("company.id", ondelete="SET NULL")
    )
    owner_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    name_key: Mapped[str | None] = mapped_column(String(400))
    email: Mapped[str | None] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(20))
    whatsapp_id: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str | None] = mapped_column(String(100))
    # Who brought the lead in ("api", "web form", "import:12"): its first timeline entry.
    origin: Mapped[str] = mapped_column(String(100), default="api")
    stage: Mapped[str] = mapped_column(String(20), default=LeadStage.harvested)
    # The pipeline's work on the lead, as it happens: shown live on the board.
    pipeline_step: Mapped[str | None] = mapped_column(String(200))
    pipeline_progress: Mapped[int] = mapped_column(Integer, default=0)
    pipeline_error: Mapped[str | None] = mapped_column(Text)
    stage_changed_at: Mapped[datetime | None]
    # Seconds each finished stage took, by stage name.
    stage_timings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Speed to lead: the lead's first message in, the business's first answer out.
    first_message_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    first_response_ms: Mapped[int | None] = mapped_column(Integer)
    consent_status: Mapped[str] = mapped_column(String(10), default=ConsentStatus.unknown)
    consent_source: Mapped[str | None] = mapped_column(String(200))
    consent_at: Mapped[datetime | None]
    time_zone: Mapped[str | None] = mapped_column(String(64))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Reserved for scoring: written by the qualification capability.
    score: Mapped[int | None] = mapped_column(Integer)
    score_tier: Mapped[str | None] = mapped_column(String(10))
    score_reasons: Mapped[list[Any] | None] = mapped_column(JSONType)
    scored_at: Mapped[datetime | None]
    score_persona: Mapped[str | None] = mapped_column(String(40))
    score_confidence: Mapped[float | None] = mapped_column(Float)
    # What the lead needs (budget, authority, need, timeline, service, urgency), merged from
    # what each source claims (leads.qualification): {field: value}.
    qualification: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Every source's claims: {source: {field: {"value", "at", "by"}}}.
    qualification_claims: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Won or lost, when the deal ends: what the predictive model learns from. Set only by
    # moving the lead into its workspace's won or lost sales stage (sales.service).
    outcome: Mapped[str | None] = mapped_column(String(10))
    # Where the deal stands, one of the workspace's sales stages by key (sales.service); apart
    # from ``stage``, which is the automation's progress on the lead.
    sales_stage: Mapped[str] = mapped_column(String(40), default="new", server_default="new")
    sales_stage_changed_at: Mapped[datetime | None]

    company: Mapped[Company | None] = relationship(lazy="raise")
