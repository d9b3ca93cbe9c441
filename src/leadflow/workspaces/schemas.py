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


class ChecklistItemOut(Schema):
    key: str = Field(description="connect_channel, add_knowledge, embed_widget, import_leads "
                     "or invite_teammate")  # fmt: skip
    done: bool
    link: str = Field(description="the dashboard page where it is done")


class ChecklistOut(Schema):
    steps: list[ChecklistItemOut]
    done: int
    complete: bool
    widget_snippet: str = Field(description="the script tag that puts the web chat on a site")


class WidgetLookIn(RequestSchema):
    """The web chat's brand colour and the language it speaks to visitors."""

    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$", examples=["#0d6efd"])
    language: Literal["en", "ar"] = "en"


class WidgetLookOut(Schema):
    colour: str
    language: str
