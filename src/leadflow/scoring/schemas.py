from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadflow.kit.schemas import NO_NUL, RequestSchema
from leadflow.scoring.fit import OPERATORS_PREPARED

Operator = Literal[
    "in", "not_in", "between", "at_least", "at_most", "contains", "present", "missing"
]
assert set(OPERATORS_PREPARED) == set(get_args(Operator))  # the API offers what fit checks
ActivityKind = Literal["reply", "booking", "click", "page_visit", "open"]


class RuleIn(RequestSchema):
    field: str = Field(min_length=1, max_length=100, pattern=r"^([a-z_]+|custom:[^\x00]{1,90})$")
    operator: Operator
    value: str | float | list[str | float | None] | None = None
    points: int = Field(ge=-100, le=100)
    reason: str = Field(min_length=1, max_length=300, pattern=NO_NUL)
    enabled: bool = True

    @model_validator(mode="after")
    def _value_fits_operator(self) -> RuleIn:
        needs: dict[str, type | tuple[type, ...]] = {
            "in": list, "not_in": list, "between": list, "contains": (list, str),
            "at_least": (int, float), "at_most": (int, float),
        }  # fmt: skip
        wanted = needs.get(self.operator)
        if wanted is not None and not isinstance(self.value, wanted):
            raise ValueError(f"operator {self.operator!r} needs a value of another shape")
        if self.operator == "between" and not _bounds(self.value):
            raise ValueError("'between' needs [low, high]: two numbers, either may be null")
        return self


def _bounds(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(v is None or isinstance(v, int | float) for v in value)
    )


class RuleOut(RuleIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime


class PersonaIn(RequestSchema):
    name: str = Field(min_length=1, max_length=40, pattern=NO_NUL)
    min_employees: int | None = Field(default=None, ge=0)
    max_employees: int | None = Field(default=None, ge=0)
    industries: list[str] = Field(default_factory=list, max_length=50)


class ScoringSettingsIn(RequestSchema):
    hot: int = Field(default=70, ge=1, le=100)
    warm: int = Field(default=40, ge=0, le=99)
    half_life_days: float = Field(default=14.0, gt=0, le=365)
    model_weight: float = Field(default=0.5, ge=0, le=1)
    external_weight: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="The external scorer's share of the score, when it answered; at most what "
        "the predictive model's share leaves",
    )
    personas: list[PersonaIn] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _warm_below_hot(self) -> ScoringSettingsIn:
        if self.warm >= self.hot:
            raise ValueError("the warm threshold must be below the hot one")
        return self


class ReasonOut(BaseModel):
    points: float
    text: str
    source: str


class VerdictOut(BaseModel):
    lead_id: int
    score: int
    tier: str
    persona: str | None
    confidence: float
    reasons: list[ReasonOut]


class ScoreChangeOut(BaseModel):
    occurred_at: datetime
    score: int
    tier: str
    previous_score: int | None
    previous_tier: str | None
    reasons: list[ReasonOut]


class ActivityIn(RequestSchema):
    kind: ActivityKind
    occurred_at: datetime | None = None
    machine: bool = False
    seconds_after_send: float | None = Field(default=None, ge=0)
    detail: dict[str, Any] = Field(default_factory=dict, max_length=20)


class OutcomeIn(RequestSchema):
    outcome: Literal["won", "lost"] | None


class ModelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    trained_at: datetime
    outcomes: int
    won: int
    cv_auc: float | None
    features: dict[str, Any]
    algorithm: str
    active: bool


class TrainingOut(BaseModel):
    queued: bool
    outcomes: int
    won: int
    message: str
