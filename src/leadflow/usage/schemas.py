from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path
from pydantic import Field

from leadflow.kit.schemas import MAX_ID, RequestSchema, Schema

Period = Literal["day", "month"]
METRIC_PATTERN = r"^[a-z][a-z0-9_.-]{0,39}$"
MetricPath = Annotated[
    str,
    Path(
        pattern=METRIC_PATTERN,
        max_length=40,
        description="what is counted: llm_tokens, sms, whatsapp, email...; cost is a budget, "
        "in millionths of a US dollar",
    ),
]


PROVIDER_PATTERN = r"^[a-z0-9_-]{1,40}$"
ProviderName = Annotated[
    str, Field(pattern=PROVIDER_PATTERN, description="one provider (twilio, smtp...)")
]
AlertPercent = Annotated[int, Field(ge=1, le=100)]


class QuotaIn(RequestSchema):
    period: Period
    limit: Annotated[int, Field(ge=0, le=MAX_ID, description="most units allowed in the period")]
    provider: ProviderName | None = Field(
        default=None, description="the quota counts this provider's use only; absent: every one"
    )
    alert_percent: AlertPercent | None = Field(
        default=80,
        description="tell the workspace (an event and a notification) once a period when its "
        "use passes this share of the limit; null: never",
    )


class QuotaOut(Schema):
    metric: str
    period: Period
    provider: str | None = Field(description="null: every provider's use counts")
    limit: int
    alert_percent: int | None
    used: int = Field(description="units used so far in the current period")
    resets_at: datetime


class UsageTotal(Schema):
    metric: str
    quantity: int
    cost_micros: int = Field(description="millionths of a US dollar")
    limit: int | None = Field(description="the workspace's quota on it for this period")


class UsageOut(Schema):
    period: Period
    since: datetime
    items: list[UsageTotal]
