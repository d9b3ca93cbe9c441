from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, computed_field, field_validator

from leadflow.kit.schemas import RequestSchema, Schema
from leadflow.models import DeliveryState
from leadflow.webhooks import signing

Url = Annotated[
    str, Field(min_length=1, max_length=2000, description="http(s) URL that receives the events")
]
Description = Annotated[str, Field(max_length=500)]
EventType = Annotated[
    str,
    Field(
        min_length=1,
        max_length=60,
        pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$",
        examples=["lead.created"],
    ),
]
EventTypes = Annotated[
    list[EventType],
    Field(max_length=100, description="event types to receive; empty means every type"),
]


def _distinct(values: list[str] | None) -> list[str] | None:
    return None if values is None else list(dict.fromkeys(values))


class EndpointCreate(RequestSchema):
    url: Url
    description: Description | None = None
    event_types: EventTypes = Field(default_factory=list)

    _event_types = field_validator("event_types")(_distinct)


class EndpointUpdate(RequestSchema):
    """Only the fields sent change; re-enabling clears the reason it was disabled."""

    url: Url | None = None
    description: Description | None = None
    event_types: EventTypes | None = None
    enabled: bool | None = None

    _event_types = field_validator("event_types")(_distinct)


class EndpointOut(Schema):
    id: int
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime


class SecretOut(Schema):
    secret: str = Field(description="whsec_ signing secret: verify deliveries with it")


class EndpointCreated(EndpointOut):
    secret: str = Field(description="whsec_ signing secret: verify deliveries with it")


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: int
    event_type: str
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    @computed_field(description="the webhook-id header: the same on every attempt")  # type: ignore[prop-decorator]
    @property
    def message_id(self) -> str:
        return signing.message_id(self.id)


class AttemptOut(Schema):
    id: int
    attempted_at: datetime
    status_code: int | None
    error: str | None
    response_excerpt: str | None = Field(description="the first kilobyte of the answer")
    duration_ms: int


class DeliveryDetail(DeliveryOut):
    attempt_log: list[AttemptOut]


class SentTestEvent(Schema):
    endpoint_id: int
    event_type: str
    detail: str
