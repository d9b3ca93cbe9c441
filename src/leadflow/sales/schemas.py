from __future__ import annotations

from typing import Literal

from pydantic import Field

from leadflow.kit.schemas import RequestSchema, Schema
from leadflow.sales.service import MOST_STAGES, NAME_LENGTH

Role = Literal["new", "contacted", "qualified", "meeting", "won", "lost"]


class SalesStageOut(Schema):
    key: str
    role: Role | None = Field(description="what a built-in stage means; none for your own")
    name: str | None = Field(description="your name for it; none: the built-in name")
    label: str = Field(description="the name shown: yours, or the built-in one in English")
    leads: int = Field(description="how many leads stand in it")


class SalesStagesOut(Schema):
    items: list[SalesStageOut]
    next_cursor: None = None


class SalesStageIn(RequestSchema):
    """A stage kept (by its key), renamed if ``name`` is given, or a new one (a name, no key)."""

    key: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=NAME_LENGTH)


class SalesStagesIn(RequestSchema):
    """Every stage, in order: New first, Won and Lost last. A stage left out is taken away and
    its leads move to New."""

    stages: list[SalesStageIn] = Field(min_length=3, max_length=MOST_STAGES)


class SalesStageMove(RequestSchema):
    stage: str = Field(min_length=1, max_length=40, description="a stage's key or role")
