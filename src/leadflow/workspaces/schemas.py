from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from leadflow.kit.schemas import RequestSchema, Schema
from leadflow.workspaces.questions import MOST_SERVICES, QUESTION_LENGTH, SERVICE_LENGTH

Slot = Literal["service", "timeline", "budget", "location"]
ServiceName = Annotated[str, Field(min_length=1, max_length=SERVICE_LENGTH)]


class WorkspaceOut(Schema):
    id: int
    slug: str
    name: str
    default_region: str
    time_zone: str
    form_token: str
    created_at: datetime


class QualifyingQuestion(RequestSchema):
    """One question the agent asks, in English, Arabic or both (one at least)."""

    slot: Slot
    en: str = Field(default="", max_length=QUESTION_LENGTH)
    ar: str = Field(default="", max_length=QUESTION_LENGTH)


class AgentSettings(RequestSchema):
    """What the business sells, in its own words, and the questions the agent asks a lead, in
    the order it asks them. A slot left out is not asked; no questions: the agent's own."""

    services: list[ServiceName] = Field(max_length=MOST_SERVICES)
    # each slot once, which the service checks; this only bounds the body
    qualifying_questions: list[QualifyingQuestion] = Field(max_length=20)


class ServiceSuggestions(Schema):
    services: list[str]
