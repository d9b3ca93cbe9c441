from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, computed_field, field_validator

from leadflow.kit.schemas import NO_NUL, RequestSchema, RowId, Schema
from leadflow.leads.naming import display_name
from leadflow.leads.qualification import Authority, Budget, Need, Timeline, Urgency, sources
from leadflow.models import CallOutcome, ConsentStatus, LeadStage

Text = Annotated[str, Field(max_length=500)]
CustomValue = str | int | float | bool | None
_MAX_CUSTOM_FIELDS = 200


def _check_custom(value: dict[str, CustomValue] | None) -> dict[str, CustomValue] | None:
    if value is None:
        return None
    if len(value) > _MAX_CUSTOM_FIELDS:
        raise ValueError(f"at most {_MAX_CUSTOM_FIELDS} custom fields")
    for key, item in value.items():
        if not key or len(key) > 64:
            raise ValueError("custom field names are 1-64 characters")
        if isinstance(item, str) and len(item) > 10_000:
            raise ValueError(f"custom field {key!r} is longer than 10,000 characters")
    return value


class LeadFields(RequestSchema):
    """What a lead can arrive with. Everything is optional; identity needs one way to reach them."""

    first_name: Text | None = None
    last_name: Text | None = None
    full_name: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    whatsapp: Text | None = Field(default=None, max_length=500, description="WhatsApp number")
    title: Text | None = None
    city: Text | None = None
    country: Text | None = Field(default=None, description="ISO 3166 two-letter code")
    source: Text | None = None
    consent: Text | None = Field(default=None, description="granted / denied / unknown (or yes/no)")
    time_zone: Text | None = Field(default=None, description="IANA zone, e.g. Asia/Riyadh")
    company: Text | None = Field(default=None, description="company name")
    website: Text | None = Field(default=None, description="company website or domain")
    industry: Text | None = None
    employee_count: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    annual_revenue: Annotated[int, Field(ge=0, le=10**15)] | None = None
    company_country: Text | None = None
    custom_fields: dict[str, CustomValue] | None = None

    _custom = field_validator("custom_fields")(_check_custom)

    def as_fields(self) -> dict[str, str | None]:
        values = self.model_dump(exclude={"custom_fields"}, exclude_unset=True)
        return {k: None if v is None else str(v) for k, v in values.items()}


class LeadCreate(LeadFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "full_name": "Noura Al-Qahtani",
                    "email": "noura@example.com",
                    "phone": "+966 50 123 4567",
                    "company": "Tamkeen Realty",
                    "source": "website",
                    "consent": "granted",
                }
            ]
        }
    )
    pass


_LONGEST_AMOUNT = Decimal(10**15)


class QualificationEdit(RequestSchema):
    """A person's word on the lead's qualification. A field sent is theirs: the agent's
    reading of the conversation never overwrites it. A field sent as null takes their word
    back, and what other sources said shows again."""

    budget: Budget | None = None
    authority: Authority | None = None
    need: Need | None = None
    timeline: Timeline | None = None
    service_interest: Annotated[list[Text], Field(max_length=50)] | None = None
    urgency: Urgency | None = None

    @field_validator("budget")
    @classmethod
    def _sensible_amounts(cls, budget: Budget | None) -> Budget | None:
        for amount in (budget.amount, budget.amount_min) if budget else ():
            if amount is not None and not (0 <= amount <= _LONGEST_AMOUNT and amount.is_finite()):
                raise ValueError("a budget is a number from 0 to 10^15")
        return budget

    @field_validator("authority", "need", "timeline", "urgency")
    @classmethod
    def _short_texts(cls, part: Any) -> Any:
        texts = [v for v in (part.model_dump().values() if part else ()) if isinstance(v, str)]
        if any(len(text) > 500 for text in texts):
            raise ValueError("at most 500 characters")
        return part

    def said(self) -> dict[str, Any]:
        """The fields sent with a value, as kept (JSON)."""
        values = self.model_dump(mode="json")
        return {name: values[name] for name in self.model_fields_set if values[name] is not None}

    def taken_back(self) -> list[str]:
        """The fields sent as null."""
        return [name for name in self.model_fields_set if getattr(self, name) is None]


class LeadUpdate(LeadFields):
    stage: LeadStage | None = None
    owner_id: RowId | None = Field(default=None, description="a user of this workspace")
    qualification: QualificationEdit | None = None


LEAD_EXAMPLE: dict[str, Any] = {
    "id": 7, "first_name": "Noura", "last_name": "Al-Qahtani", "email": "noura@example.com",
    "phone": "+966501234567", "whatsapp_id": None, "title": None, "city": "Riyadh",
    "country": "SA", "source": "website", "stage": "completed", "pipeline_step": None,
    "pipeline_progress": 100, "pipeline_error": None, "stage_changed_at": "2026-03-01T09:00:04Z",
    "stage_timings": {"harvested": 0.1, "qualifying": 1.2}, "sales_stage": "new",
    "sales_stage_changed_at": None, "outcome": None, "owner_id": None,
    "consent_status": "granted", "consent_source": "api", "consent_at": "2026-03-01T09:00:00Z",
    "time_zone": "Asia/Riyadh", "custom_fields": {}, "score": 72, "score_tier": "warm",
    "score_reasons": [{"points": 20, "why": "industry is real estate"}],
    "scored_at": "2026-03-01T09:00:03Z", "first_message_at": "2026-03-01T09:00:05Z",
    "first_response_at": "2026-03-01T09:00:05Z", "first_response_ms": 5100,
    "company": {
        "id": 3, "name": "Tamkeen Realty", "domain": "tamkeen.example", "industry": "real estate",
        "employee_count": 40, "annual_revenue": None, "country": "SA",
    },
    "qualification": {}, "qualification_sources": {},
    "created_at": "2026-03-01T09:00:00Z", "updated_at": "2026-03-01T09:00:05Z",
    "display_name": "Noura Al-Qahtani",
}  # fmt: skip


class QualificationSourceOut(Schema):
    source: Literal["person", "import", "conversation", "enrichment"]
    at: datetime
    by: str


class CompanyOut(Schema):
    id: int
    name: str
    domain: str | None
    industry: str | None
    employee_count: int | None
    annual_revenue: int | None
    country: str | None


class LeadOut(Schema):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [LEAD_EXAMPLE]})

    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    whatsapp_id: str | None
    title: str | None
    city: str | None
    country: str | None
    source: str | None
    stage: LeadStage
    pipeline_step: str | None
    pipeline_progress: int
    pipeline_error: str | None
    stage_changed_at: datetime | None
    stage_timings: dict[str, Any]
    sales_stage: str = Field(description="the key of the sales stage the deal stands in")
    sales_stage_changed_at: datetime | None
    outcome: Literal["won", "lost"] | None = Field(description="the deal's end, if it ended")
    owner_id: int | None
    consent_status: ConsentStatus
    consent_source: str | None
    consent_at: datetime | None
    time_zone: str | None
    custom_fields: dict[str, Any]
    score: int | None
    score_tier: str | None
    score_reasons: list[Any] | None
    scored_at: datetime | None
    first_message_at: datetime | None
    first_response_at: datetime | None
    first_response_ms: int | None = Field(description="time to first response, in milliseconds")
    company: CompanyOut | None
    qualification: dict[str, Any] = Field(
        description="budget, authority, need, timeline, service_interest and urgency, merged "
        "from what each source said (the fields some source stated)"
    )
    qualification_sources: dict[str, QualificationSourceOut] = Field(
        validation_alias="qualification_claims",
        description="for each field of the qualification: the source it stands on, when that "
        "source said it and by what",
    )
    created_at: datetime
    updated_at: datetime

    _sources = field_validator("qualification_sources", mode="before")(sources)

    @computed_field(description="the lead's name, else how to reach them, else #id")  # type: ignore[prop-decorator]
    @property
    def display_name(self) -> str:
        return display_name(self)


class IntakeOut(Schema):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"outcome": "created", "lead": LEAD_EXAMPLE}]},
    )

    outcome: Literal["created", "merged"]
    matched_on: str | None = None
    merge_id: int | None = None
    lead: LeadOut


class ActivityOut(Schema):
    id: int
    kind: str
    actor: str
    occurred_at: datetime
    data: dict[str, Any]


class NoteIn(RequestSchema):
    text: str = Field(min_length=1, max_length=5000, pattern=NO_NUL)


class CallIn(RequestSchema):
    outcome: CallOutcome
    notes: str = Field(default="", max_length=5000, pattern=NO_NUL)
    duration_seconds: int | None = Field(default=None, ge=0, le=86_400)


class MergeOut(Schema):
    id: int
    lead_id: int
    matched_on: str
    source: str
    incoming: dict[str, Any]
    changes: dict[str, Any]
    created_at: datetime
    undone_at: datetime | None
    split_lead_id: int | None


LeadSortKey = Literal[
    "created_at", "-created_at", "updated_at", "-updated_at", "last_name", "-last_name",
    "score", "-score",
]  # fmt: skip
