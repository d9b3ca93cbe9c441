"""A lead's qualification (budget, authority, need, timeline, service interest, urgency) and
the one rule that makes it: merged, field by field, from what each source claims.

A source is who said so: a ``person`` of the business (the API, the dashboard), an ``import``,
the ``conversation`` (what the lead wrote, read by the agent or the pipeline, by rules or an
LLM) and, later, ``enrichment``. For each field the claim of the highest-ranked source wins, and
among sources of the same rank the newer claim: the agent's reading never overwrites a
person's edit. Every claim is kept (``Lead.qualification_claims``) with when it was made and by
what, so a person withdrawing theirs brings back what the others said.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from leadflow.models import Lead
from leadflow.models.base import utcnow

CurrencyCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
]
Evidence = Annotated[
    str | None,
    Field(description="The lead's own words this was read from, quoted exactly; null if none."),
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Budget(_Part):
    amount: Decimal | None = Field(
        default=None, description="What the lead can spend; the upper end of a stated range."
    )
    amount_min: Decimal | None = Field(
        default=None, description="The lower end when the lead gave a range, else null."
    )
    currency: CurrencyCode | None = Field(default=None, description="ISO 4217 code, e.g. SAR.")
    evidence: Evidence = None


class Authority(_Part):
    role: str | None = Field(default=None, description="The writer's own job title.")
    decision_maker: bool | None = Field(
        default=None, description="Whether the writer decides the purchase; null if unknown."
    )
    evidence: Evidence = None


class Need(_Part):
    text: str | None = Field(default=None, description="The problem or goal, as stated.")
    evidence: Evidence = None


class Timeline(_Part):
    by: date | None = Field(default=None, description="The date the lead wants it by.")
    relative: str | None = Field(
        default=None, description="The lead's phrase for the time, e.g. 'next week'."
    )
    evidence: Evidence = None


class Urgency(_Part):
    level: Literal["low", "medium", "high"] | None = None
    evidence: Evidence = None


class Qualification(_Part):
    """What a conversation tells us about a lead, each fact with the words it came from."""

    budget: Budget = Field(default_factory=Budget)
    authority: Authority = Field(default_factory=Authority)
    need: Need = Field(default_factory=Need)
    timeline: Timeline = Field(default_factory=Timeline)
    service_interest: list[str] = Field(
        default_factory=list, description="Names from the workspace's list of services only."
    )
    urgency: Urgency = Field(default_factory=Urgency)


FIELDS = ("budget", "authority", "need", "timeline", "service_interest", "urgency")
# What in each field is a statement; its evidence alone is not.
_STATEMENTS: dict[str, tuple[str, ...]] = {
    "budget": ("amount", "amount_min", "currency"),
    "authority": ("role", "decision_maker"),
    "need": ("text",),
    "timeline": ("by", "relative"),
    "urgency": ("level",),
}


class QualificationSource(StrEnum):
    person = "person"
    imported = "import"
    conversation = "conversation"
    enrichment = "enrichment"


RANK = {
    QualificationSource.person: 3,
    QualificationSource.imported: 2,
    QualificationSource.conversation: 1,
    QualificationSource.enrichment: 0,
}


@dataclass(frozen=True)
class Claim:
    """What one source says of one field, when it first said it, and by what (``by``: a
    person's id, an engine)."""

    source: QualificationSource
    value: Any
    at: str
    by: str

    @property
    def precedence(self) -> tuple[int, str]:
        return RANK[self.source], self.at


def states(field: str, value: Any) -> bool:
    """Whether ``value`` says anything of ``field`` (an empty budget says nothing)."""
    if field == "service_interest":
        return bool(value)
    if not isinstance(value, Mapping):
        return False
    return any(value.get(part) not in (None, "") for part in _STATEMENTS[field])


def claim(
    lead: Lead,
    source: QualificationSource,
    said: Mapping[str, Any],
    *,
    by: str,
    at: datetime | None = None,
) -> list[str]:
    """Keeps what ``source`` says of the fields it states in ``said`` (a claim it repeats
    keeps its first time) and merges the lead's qualification again; returns the fields whose
    merged value changed."""
    when = (at or utcnow()).isoformat()
    claims = _claims_of(lead)
    own = dict(claims.get(source, {}))
    for field in FIELDS:
        value = said.get(field)
        if states(field, value) and (own.get(field) or {}).get("value") != value:
            own[field] = {"value": value, "at": when, "by": by}
    return _keep(lead, {**claims, source: own})


def withdraw(lead: Lead, source: QualificationSource, fields: Iterable[str]) -> list[str]:
    """Takes back what ``source`` said of ``fields``; returns the fields whose merged value
    changed (another source's claim shows again)."""
    claims = _claims_of(lead)
    own = {k: v for k, v in claims.get(source, {}).items() if k not in set(fields)}
    return _keep(lead, {**claims, source: own})


def winners(claims: Mapping[str, Mapping[str, Any]]) -> dict[str, Claim]:
    """The claim that stands for each field some source stated."""
    best: dict[str, Claim] = {}
    for name, fields in claims.items():
        source = QualificationSource(name)
        for field, said in fields.items():
            candidate = Claim(source, said["value"], said["at"], said["by"])
            if field not in best or candidate.precedence > best[field].precedence:
                best[field] = candidate
    return best


def merged(claims: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The qualification the claims make: each field's standing value."""
    standing = winners(claims)
    return {field: standing[field].value for field in FIELDS if field in standing}


def sources(claims: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Where each field of a qualification made of ``claims`` came from, when, and by what."""
    return {
        field: {"source": str(won.source), "at": won.at, "by": won.by}
        for field, won in winners(claims).items()
    }


def _claims_of(lead: Lead) -> dict[str, dict[str, Any]]:
    return {k: dict(v) for k, v in (lead.qualification_claims or {}).items()}


def _keep(lead: Lead, claims: dict[str, dict[str, Any]]) -> list[str]:
    before = lead.qualification or {}
    lead.qualification_claims = {k: v for k, v in claims.items() if v}
    lead.qualification = merged(lead.qualification_claims)
    return [f for f in FIELDS if before.get(f) != lead.qualification.get(f)]
